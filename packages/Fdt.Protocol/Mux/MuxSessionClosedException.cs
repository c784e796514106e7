namespace Fdt.Protocol.Mux;

/// <summary>Thrown by every pending and later operation once a session has ended.</summary>
public sealed class MuxSessionClosedException : MuxException
{
    public MuxSessionClosedException(MuxCloseReason reason)
        : base(MuxError.SessionClosed, "The mux session is closed: " + reason, reason.Exception)
    {
        Reason = reason;
    }

    public MuxSessionClosedException()
        : this(new MuxCloseReason(MuxCloseKind.LocalClose, "closed"))
    {
    }

    public MuxSessionClosedException(string message)
        : this(new MuxCloseReason(MuxCloseKind.LocalClose, message))
    {
    }

    public MuxSessionClosedException(string message, Exception innerException)
        : this(new MuxCloseReason(MuxCloseKind.TransportError, message, innerException))
    {
    }

    /// <summary>Why the session ended.</summary>
    public MuxCloseReason Reason { get; }
}
