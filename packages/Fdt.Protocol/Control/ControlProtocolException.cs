namespace Fdt.Protocol.Control;

/// <summary>The peer sent a control message that cannot be accepted (bad length or JSON).</summary>
public sealed class ControlProtocolException : IOException
{
    public ControlProtocolException()
        : base("Malformed control message.")
    {
    }

    public ControlProtocolException(string message)
        : base(message)
    {
    }

    public ControlProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
