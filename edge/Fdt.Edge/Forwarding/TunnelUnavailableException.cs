namespace Fdt.Edge.Forwarding;

/// <summary>The tunnel's agent is gone or could not open a stream.</summary>
public sealed class TunnelUnavailableException : Exception
{
    public TunnelUnavailableException()
        : base("The tunnel's agent is not connected.")
    {
    }

    public TunnelUnavailableException(string message)
        : base(message)
    {
    }

    public TunnelUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
