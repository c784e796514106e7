namespace Fdt.Protocol.Control;

/// <summary>Constants of the control stream protocol (see docs/protocol.md).</summary>
public static class ControlProtocol
{
    /// <summary>The control protocol version this build speaks.</summary>
    public const int Version = 1;

    /// <summary>Oldest control protocol version this build accepts.</summary>
    public const int MinSupportedVersion = 1;

    /// <summary>Default limit on one control message (the length prefix is checked against it before allocating).</summary>
    public const int DefaultMaxMessageSize = 64 * 1024;

    /// <summary>The path of the agent endpoint (WebSocket) on the edge's HTTP(S) port.</summary>
    public const string AgentEndpointPath = "/_fdt/agent";

    /// <summary>The WebSocket subprotocol agents request.</summary>
    public const string WebSocketSubProtocol = "fdt-mux.v1";

    /// <summary>
    /// The HTTP/1.1 Upgrade token for the raw transport: after <c>101 Switching Protocols</c> the
    /// connection carries mux frames directly, without WebSocket framing or masking.
    /// </summary>
    public const string UpgradeProtocol = "fdt-mux/1";
}
