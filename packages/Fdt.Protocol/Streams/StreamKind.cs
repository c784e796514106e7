namespace Fdt.Protocol.Streams;

/// <summary>What a data stream carries (a byte in the stream header).</summary>
public enum StreamKind : byte
{
    /// <summary>HTTP/1.1 bytes from the edge's forwarder.</summary>
    Http = 1,

    /// <summary>A visitor's raw TCP connection.</summary>
    Tcp = 2,

    /// <summary>A visitor's raw TLS connection (not terminated at the edge).</summary>
    Tls = 3,
}
