namespace Fdt.Protocol.Streams;

/// <summary>Outcome of the agent's attempt to serve a data stream.</summary>
public enum StreamReplyStatus : byte
{
    /// <summary>Connected to the local service; raw bytes follow.</summary>
    Connected = 0,

    /// <summary>The local service refused the connection or could not be reached.</summary>
    LocalServiceUnavailable = 1,

    /// <summary>The agent does not know the tunnel named in the header.</summary>
    UnknownTunnel = 2,

    /// <summary>The agent is at its connection limit.</summary>
    Overloaded = 3,

    /// <summary>The stream header was malformed.</summary>
    BadHeader = 4,

    /// <summary>Connecting to the local service timed out.</summary>
    LocalServiceTimeout = 5,
}
