namespace Fdt.Protocol.Control;

/// <summary>A refusal with a stable code (see <see cref="ErrorCodes"/>) and a human-readable message.</summary>
public sealed record ControlError(string Code, string Message)
{
    /// <summary>Seconds after which retrying may succeed, when the edge knows.</summary>
    public int? RetryAfterSeconds { get; init; }
}
