namespace Fdt.Agent.Inspection.Web;

/// <summary>The answer of <c>GET /api/requests/{id}</c>.</summary>
internal sealed record ExchangeDetail
{
    public required string Id { get; init; }

    public required string Tunnel { get; init; }

    public required string State { get; init; }

    public string? ReplayOf { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public double? DurationMs { get; init; }

    public double? TimeToFirstByteMs { get; init; }

    public string? RemoteAddress { get; init; }

    /// <summary>The public URL the visitor asked for.</summary>
    public string? Url { get; init; }

    /// <summary>The local service that answered.</summary>
    public required string Local { get; init; }

    public required RequestView Request { get; init; }

    public ResponseView? Response { get; init; }

    public WebSocketView? WebSocket { get; init; }

    /// <summary>Events of a server-sent-events response so far.</summary>
    public long? ServerSentEvents { get; init; }
}
