namespace Fdt.Edge.Sessions;

/// <summary>How an agent session's connection reaches the edge.</summary>
public static class AgentTransportKinds
{
    /// <summary>Raw upgrade served by the edge directly on the socket (cleartext fast path).</summary>
    public const string Socket = "socket";

    /// <summary>Raw upgrade through Kestrel (TLS endpoints, or the fast path turned off).</summary>
    public const string Upgrade = "upgrade";

    /// <summary>WebSocket through Kestrel.</summary>
    public const string WebSocket = "websocket";
}
