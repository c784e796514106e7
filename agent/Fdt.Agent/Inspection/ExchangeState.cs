namespace Fdt.Agent.Inspection;

/// <summary>Where a captured exchange is in its life.</summary>
internal enum ExchangeState
{
    /// <summary>The request arrived; no response yet.</summary>
    Pending,

    /// <summary>The response head arrived; its body is still coming (downloads, server-sent events).</summary>
    Receiving,

    /// <summary>The response is complete.</summary>
    Complete,

    /// <summary>The connection switched protocols (WebSocket, CONNECT); the handshake is what was captured.</summary>
    Upgraded,

    /// <summary>The connection ended before the response was complete.</summary>
    Incomplete,
}
