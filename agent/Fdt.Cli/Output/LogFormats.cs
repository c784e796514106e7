namespace Fdt.Cli.Output;

/// <summary>Names of <see cref="LogFormat"/> on the command line.</summary>
internal static class LogFormats
{
    public static readonly string[] Names = ["tui", "text", "json", "none"];

    /// <summary>The format <paramref name="value"/> names; with none given, tui on a terminal and text otherwise.</summary>
    public static LogFormat Resolve(string? value, bool isOutputTerminal) => value?.ToLowerInvariant() switch
    {
        null or "" => isOutputTerminal ? LogFormat.Tui : LogFormat.Text,
        "tui" => LogFormat.Tui,
        "text" => LogFormat.Text,
        "json" => LogFormat.Json,
        "none" => LogFormat.None,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown log format."),
    };
}
