namespace Fdt.Agent;

/// <summary>How the agent carries the mux to the edge.</summary>
public enum AgentTransport
{
    /// <summary>The raw HTTP/1.1 Upgrade first; WebSocket if the server or a proxy refuses it.</summary>
    Auto,

    /// <summary>Only the raw HTTP/1.1 Upgrade (fastest: no WebSocket framing or masking).</summary>
    Upgrade,

    /// <summary>Only WebSocket (passes proxies that allow nothing else).</summary>
    WebSocket,
}
