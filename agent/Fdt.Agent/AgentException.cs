namespace Fdt.Agent;

/// <summary>The agent cannot go on; <see cref="Failure"/> says why and <see cref="Code"/> carries the server's error code when there is one.</summary>
public sealed class AgentException : Exception
{
    public AgentException(AgentFailure failure, string? code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        Code = code;
    }

    public AgentException()
        : this(AgentFailure.ServerUnreachable, null, "The agent stopped.")
    {
    }

    public AgentException(string message)
        : this(AgentFailure.ServerUnreachable, null, message)
    {
    }

    public AgentException(string message, Exception innerException)
        : this(AgentFailure.ServerUnreachable, null, message, innerException)
    {
    }

    public AgentFailure Failure { get; }

    /// <summary>The server's error code (see the protocol's ErrorCodes), when it gave one.</summary>
    public string? Code { get; }
}
