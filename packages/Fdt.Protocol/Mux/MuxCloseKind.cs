namespace Fdt.Protocol.Mux;

/// <summary>How a session ended.</summary>
public enum MuxCloseKind
{
    /// <summary>This side closed it.</summary>
    LocalClose,

    /// <summary>The peer sent GoAway (normal) and closed the transport.</summary>
    RemoteClose,

    /// <summary>The transport reached end of stream without a GoAway.</summary>
    TransportClosed,

    /// <summary>Reading or writing the transport failed.</summary>
    TransportError,

    /// <summary>The peer violated the protocol; this side sent GoAway(protocol error).</summary>
    ProtocolError,

    /// <summary>The peer sent GoAway with a protocol or internal error code.</summary>
    RemoteError,

    /// <summary>Keepalive pings went unanswered.</summary>
    KeepAliveTimeout,
}
