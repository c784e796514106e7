using Fdt.Agent;
using Fdt.Agent.Inspection;
using Fdt.Agent.Inspection.Web;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands.Http;

/// <summary>What the user asked <c>fdt http</c> for, as parsed from the command line.</summary>
internal sealed record HttpCommandInput
{
    /// <summary>What the tunnel carries: http for <c>fdt http</c>, tcp for <c>fdt tcp</c>.</summary>
    public TunnelProtocol Protocol { get; init; } = TunnelProtocol.Http;

    public required LocalTarget Target { get; init; }

    /// <summary>The requested name (--subdomain, --name); null asks for a random one.</summary>
    public string? Subdomain { get; init; }

    /// <summary>--server, when given.</summary>
    public string? Server { get; init; }

    /// <summary>--authtoken, when given.</summary>
    public string? Authtoken { get; init; }

    /// <summary>--host-header: "rewrite" or a value; null keeps the visitor's.</summary>
    public string? HostHeader { get; init; }

    /// <summary>--scheme: http, https or both (null: both).</summary>
    public string? Scheme { get; init; }

    /// <summary>--redirect-https.</summary>
    public bool RedirectHttps { get; init; }

    /// <summary>--basic-auth, --cidr-allow, --cidr-deny, --max-request-body; null when none was given.</summary>
    public TunnelPolicyRequest? Policy { get; init; }

    /// <summary>--inspect: serve the local inspector (http tunnels only).</summary>
    public bool Inspect { get; init; }

    /// <summary>--inspect-addr, when given (then only that address is tried).</summary>
    public InspectorAddress? InspectAddress { get; init; }

    /// <summary>--inspect-body-limit, --inspect-max-requests, --inspect-memory.</summary>
    public CaptureOptions Capture { get; init; } = new();

    /// <summary>--log: tui, text, json or none; null picks tui on a terminal and text otherwise.</summary>
    public string? Log { get; init; }

    /// <summary>--insecure: accept any TLS certificate from the server.</summary>
    public bool Insecure { get; init; }

    public AgentTransport Transport { get; init; }
}
