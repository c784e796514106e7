namespace Fdt.Protocol.Mux;

/// <summary>yamux header flags (bytes 2-3 of the header, big-endian).</summary>
[Flags]
public enum FrameFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Opens a new stream; on Ping, a request.</summary>
    Syn = 1,

    /// <summary>Acknowledges a new stream; on Ping, a response.</summary>
    Ack = 2,

    /// <summary>Half-closes the sender's direction of the stream.</summary>
    Fin = 4,

    /// <summary>Resets (aborts) the stream in both directions.</summary>
    Rst = 8,
}
