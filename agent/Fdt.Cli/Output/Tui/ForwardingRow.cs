namespace Fdt.Cli.Output.Tui;

/// <summary>One public URL and where its traffic goes.</summary>
internal sealed record ForwardingRow(string Tunnel, string Url, string Local);
