namespace Fdt.Cli.Configuration;

/// <summary>What the config file holds: <c>{"server": "...", "authtoken": "..."}</c>. Either may be missing.</summary>
internal sealed record CliConfig
{
    public static CliConfig Empty { get; } = new();

    public string? Server { get; init; }

    public string? Authtoken { get; init; }
}
