namespace Fdt.Protocol.Mux;

/// <summary>Why a mux operation failed.</summary>
public enum MuxError
{
    /// <summary>The session has ended; see <see cref="MuxSessionClosedException.Reason"/>.</summary>
    SessionClosed,

    /// <summary>The stream was reset by either side.</summary>
    StreamReset,

    /// <summary>The write side of the stream was already closed.</summary>
    StreamClosed,

    /// <summary>A GoAway was sent or received: no new streams.</summary>
    GoingAway,

    /// <summary>The concurrent stream limit is reached.</summary>
    TooManyStreams,

    /// <summary>Stream identifiers are exhausted for this session.</summary>
    StreamIdsExhausted,
}
