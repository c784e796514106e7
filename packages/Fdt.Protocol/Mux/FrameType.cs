namespace Fdt.Protocol.Mux;

/// <summary>The four yamux frame types (byte 1 of the header).</summary>
public enum FrameType : byte
{
    /// <summary>Carries stream payload; the length field is the payload length.</summary>
    Data = 0,

    /// <summary>Grants the peer more send window; the length field is the increment.</summary>
    WindowUpdate = 1,

    /// <summary>Keepalive and RTT measurement on stream 0; the length field is an opaque value.</summary>
    Ping = 2,

    /// <summary>Session termination on stream 0; the length field is a <see cref="GoAwayCode"/>.</summary>
    GoAway = 3,
}
