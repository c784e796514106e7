namespace Fdt.Agent.Http;

/// <summary>One completed HTTP exchange as the agent saw it.</summary>
public sealed record HttpExchange
{
    public required string Method { get; init; }

    /// <summary>The request target (path and query).</summary>
    public required string Target { get; init; }

    public required int Status { get; init; }

    public string Reason { get; init; } = string.Empty;

    public string? ContentType { get; init; }

    /// <summary>The X-Request-Id the edge assigned, when present.</summary>
    public string? RequestId { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>From the request head reaching the agent to the end of the response.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>From the request head to the response head.</summary>
    public TimeSpan? TimeToFirstByte { get; init; }

    public long RequestBodyBytes { get; init; }

    public long ResponseBodyBytes { get; init; }

    /// <summary>The exchange's id in the local inspector, when it was captured.</summary>
    public string? CaptureId { get; init; }
}
