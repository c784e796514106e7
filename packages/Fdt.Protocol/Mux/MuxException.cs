namespace Fdt.Protocol.Mux;

/// <summary>A mux operation failed; <see cref="Error"/> tells why.</summary>
public class MuxException : IOException
{
    public MuxException(MuxError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    public MuxException()
        : this(MuxError.SessionClosed, "The mux session failed.")
    {
    }

    public MuxException(string message)
        : this(MuxError.SessionClosed, message)
    {
    }

    public MuxException(string message, Exception innerException)
        : this(MuxError.SessionClosed, message, innerException)
    {
    }

    /// <summary>The failure category.</summary>
    public MuxError Error { get; }
}
