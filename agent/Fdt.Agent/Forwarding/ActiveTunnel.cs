namespace Fdt.Agent.Forwarding;

/// <summary>A tunnel the edge has bound for this session.</summary>
internal sealed record ActiveTunnel(string TunnelId, string Name, IReadOnlyList<string> Urls, TunnelDefinition Definition);
