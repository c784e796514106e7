namespace Fdt.Data.Model;

/// <summary>
/// An HTTP exchange the edge captured for the inspector. Bodies live in the payload store under
/// <see cref="RequestBodyKey"/> and <see cref="ResponseBodyKey"/>; headers are stored as JSON
/// arrays of [name, value] pairs with sensitive values redacted.
/// </summary>
public sealed class CapturedRequest
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    public required string TunnelId { get; set; }

    public required string TunnelName { get; set; }

    public required string Method { get; set; }

    /// <summary>Path and query (cut to 4096 characters).</summary>
    public required string Target { get; set; }

    public required string Host { get; set; }

    public required string Scheme { get; set; }

    public string? ClientAddress { get; set; }

    public int Status { get; set; }

    /// <summary>"http", "websocket" or "sse".</summary>
    public required string Kind { get; set; }

    /// <summary>Server-sent events counted in the response, or WebSocket messages both ways.</summary>
    public int Events { get; set; }

    public string? ErrorCode { get; set; }

    public DateTime ReceivedAt { get; set; }

    public double? FirstByteMilliseconds { get; set; }

    public double DurationMilliseconds { get; set; }

    public required string RequestHeaders { get; set; }

    public required string ResponseHeaders { get; set; }

    public long RequestBodySize { get; set; }

    public long ResponseBodySize { get; set; }

    public string? RequestBodyKey { get; set; }

    public string? ResponseBodyKey { get; set; }

    public bool RequestBodyTruncated { get; set; }

    public bool ResponseBodyTruncated { get; set; }

    /// <summary>Set when a body could not be stored (the store failed); the row says so rather than the capture waiting.</summary>
    public bool BodiesMissing { get; set; }

    public Guid? ReplayOfId { get; set; }

    /// <summary>The X-Request-Id the edge sent with the exchange.</summary>
    public string? RequestId { get; set; }
}
