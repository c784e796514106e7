namespace Fdt.Agent.Inspection.Web;

/// <summary>One exchange in the inspector's list.</summary>
internal sealed record ExchangeSummary
{
    public required string Id { get; init; }

    public required string Tunnel { get; init; }

    public required string Method { get; init; }

    public required string Target { get; init; }

    /// <summary>pending, receiving, complete, upgraded or incomplete.</summary>
    public required string State { get; init; }

    /// <summary>The response status; null while pending.</summary>
    public int? Status { get; init; }

    public string? Reason { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public double? DurationMs { get; init; }

    public long RequestSize { get; init; }

    public long ResponseSize { get; init; }

    public bool RequestTruncated { get; init; }

    public bool ResponseTruncated { get; init; }

    public string? ContentType { get; init; }

    public string? RemoteAddress { get; init; }

    public string? ReplayOf { get; init; }
}
