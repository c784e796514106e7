namespace Fdt.Edge.Forwarding;

/// <summary>The agent reported that it could not connect to the local service.</summary>
public sealed class LocalServiceUnavailableException : Exception
{
    public LocalServiceUnavailableException()
        : base("The agent could not reach the local service.")
    {
    }

    public LocalServiceUnavailableException(string message)
        : base(message)
    {
    }

    public LocalServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether the agent's connection attempt timed out (rather than being refused).</summary>
    public bool TimedOut { get; init; }
}
