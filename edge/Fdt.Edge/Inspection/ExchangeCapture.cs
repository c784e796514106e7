using System.Net;

namespace Fdt.Edge.Inspection;

/// <summary>
/// One HTTP exchange as the edge saw it, for the inspector: filled in while the request is
/// forwarded, then handed to an <see cref="ICaptureSink"/> that stores it without making the
/// tunnel wait.
/// </summary>
public sealed class ExchangeCapture
{
    public required Guid Id { get; init; }

    public required string TunnelId { get; init; }

    public required string TunnelName { get; init; }

    /// <summary>The tunnel owner's id (the team).</summary>
    public required string OwnerId { get; init; }

    public required string Method { get; init; }

    /// <summary>Path and query as the visitor sent them.</summary>
    public required string Target { get; init; }

    public required string Host { get; init; }

    public required string Scheme { get; init; }

    public IPAddress? ClientAddress { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Request headers, sensitive ones redacted.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; }

    public required CaptureBuffer RequestBody { get; init; }

    public required CaptureBuffer ResponseBody { get; init; }

    /// <summary>The X-Request-Id the edge gave the exchange (also sent to the local service).</summary>
    public string? RequestId { get; init; }

    /// <summary>The exchange this one replays.</summary>
    public Guid? ReplayOf { get; init; }

    /// <summary>The status the visitor got (the edge's own for edge errors; 0 when the visitor left first).</summary>
    public int Status { get; set; }

    /// <summary>Response headers, sensitive ones redacted.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; set; } = [];

    /// <summary>From arrival to the local service's response headers.</summary>
    public TimeSpan? FirstByte { get; set; }

    /// <summary>From arrival to the end of the response.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>The edge's error code when the edge answered (ERR_FDT_…).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>WebSocket messages each way, counted from frame headers while the connection lasts.</summary>
    public Fdt.Protocol.WebSockets.WebSocketCounts? WebSocket { get; set; }

    /// <summary>"http", "websocket" (handshake and message counts) or "sse" (events counted).</summary>
    public string Kind { get; set; } = "http";
}

/// <summary>Where finished captures go. <see cref="Submit"/> must not block.</summary>
public interface ICaptureSink
{
    /// <summary>Whether anything is captured at all (false: the edge skips the work).</summary>
    bool Enabled { get; }

    /// <summary>The most body bytes kept per direction.</summary>
    int BodyLimit { get; }

    /// <summary>
    /// Exchanges captured per second and tunnel at most (a burst of twice as many); beyond it the
    /// edge does not capture at all, so a tunnel under load pays nothing for the inspector. 0: no limit.
    /// </summary>
    int MaxPerSecondPerTunnel => 0;

    /// <summary>Takes a finished capture; drops it (and counts the drop) rather than wait.</summary>
    void Submit(ExchangeCapture capture);
}

/// <summary>No inspector: nothing is captured.</summary>
internal sealed class NoCapture : ICaptureSink
{
    public bool Enabled => false;

    public int BodyLimit => 0;

    public void Submit(ExchangeCapture capture)
    {
    }
}

/// <summary>A request to send again: what was captured, possibly edited.</summary>
/// <param name="Target">Path and query.</param>
/// <param name="Host">The Host the visitor used (sent unless the tunnel rewrites it).</param>
public sealed record ReplayRequest(string Method, string Target, string Host, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body);

/// <summary>What a replay got: the new capture's id and the status.</summary>
public sealed record ReplayResult(Guid CaptureId, int Status, string? ErrorCode);
