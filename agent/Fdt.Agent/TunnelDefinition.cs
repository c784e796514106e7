using Fdt.Protocol.Control;

namespace Fdt.Agent;

/// <summary>A tunnel the agent asks for.</summary>
public sealed record TunnelDefinition
{
    public TunnelProtocol Protocol { get; init; } = TunnelProtocol.Http;

    /// <summary>Where visitor traffic is forwarded.</summary>
    public required LocalTarget Target { get; init; }

    /// <summary>The requested name; null asks for a random one.</summary>
    public string? Name { get; init; }

    /// <summary>Host header rule: null keeps the visitor's, "rewrite" uses the local address, anything else is sent as is.</summary>
    public string? HostHeader { get; init; }

    /// <summary>http tunnels: "http", "https" or "both" (null: both).</summary>
    public string? Scheme { get; init; }

    /// <summary>http tunnels: redirect plain HTTP requests to the HTTPS URL.</summary>
    public bool RedirectHttps { get; init; }

    /// <summary>Traffic policy for the edge to enforce (null: none).</summary>
    public TunnelPolicyRequest? Policy { get; init; }
}
