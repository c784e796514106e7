using Fdt.Agent.Events;
using Fdt.Agent.Inspection;
using Fdt.Protocol.Mux;

namespace Fdt.Agent;

/// <summary>How an agent connects and what it serves.</summary>
public sealed record AgentOptions
{
    /// <summary>The FDT server (its edge), e.g. http://localhost:8080.</summary>
    public required Uri ServerUrl { get; init; }

    public required string Authtoken { get; init; }

    public required IReadOnlyList<TunnelDefinition> Tunnels { get; init; }

    /// <summary>Time to establish the connection to the edge and complete the handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time to connect to the local service for one visitor connection.</summary>
    public TimeSpan LocalConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First reconnect delay; it doubles per failed attempt (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a first connection that fails is retried (otherwise it is reported at once).</summary>
    public bool RetryFirstConnection { get; init; }

    /// <summary>How the mux is carried to the edge.</summary>
    public AgentTransport Transport { get; init; } = AgentTransport.Auto;

    /// <summary>Accept any TLS certificate from the edge (self-signed development setups only).</summary>
    public bool InsecureSkipVerify { get; init; }

    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An edge that does not answer a ping within this time is considered gone and the agent reconnects.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Receives what happens (connections, tunnels, requests), on the agent's threads; must not block.</summary>
    public Action<AgentEvent>? OnEvent { get; init; }

    /// <summary>
    /// Where HTTP exchanges are captured for the local inspector (null: not captured). Capture
    /// copies heads and the first bytes of bodies as they pass; it never holds up the traffic.
    /// </summary>
    internal CaptureStore? Capture { get; init; }

    /// <summary>Reported to the edge.</summary>
    public string AgentVersion { get; init; } = typeof(AgentOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    internal MuxOptions CreateMuxOptions() => new()
    {
        KeepAliveInterval = KeepAliveInterval,
        KeepAliveTimeout = KeepAliveTimeout,
        TimeProvider = TimeProvider,

        // The agent's readers are its own pipes, which never block: resume them on the receive loop.
        InlineReadCompletions = true,
    };
}
