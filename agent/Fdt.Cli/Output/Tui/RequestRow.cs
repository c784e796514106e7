namespace Fdt.Cli.Output.Tui;

/// <summary>One completed request in the live view.</summary>
internal sealed record RequestRow(DateTimeOffset Time, string Method, string Path, int Status, string Reason, TimeSpan Duration);
