using Fdt.Protocol.WebSockets;

namespace Fdt.Agent.Inspection;

/// <summary>
/// One HTTP exchange as the agent captured it for the inspector: heads, bodies up to the limit,
/// timings and sizes. Filled in by the connection's observer as the bytes pass and read by the
/// inspector at any time: each part is published whole (heads, state) or guarded (bodies).
/// </summary>
internal sealed class CapturedExchange
{
    private readonly CaptureContext _context;
    private readonly long _startTimestamp;
    private volatile ExchangeState _state;
    private volatile MessageHead? _response;
    private long _duration = -1;
    private long _timeToFirstByte = -1;
    private int _status;
    private string _reason = string.Empty;
    private long _sseEvents = -1;
    private int _sseNewlines;

    internal CapturedExchange(CaptureContext context, string method, string target, MessageHead request, DateTimeOffset startedAt, long startTimestamp, long? requestLength)
    {
        _context = context;
        Method = method;
        Target = target;
        Request = request;
        StartedAt = startedAt;
        _startTimestamp = startTimestamp;
        var limit = context.Store.Options.BodyLimit;
        RequestBody = new BodyCapture(context.Store, this, limit);
        RequestBody.Expect(requestLength);
        ResponseBody = new BodyCapture(context.Store, this, limit);
        RemoteAddress = context.RemoteAddress ?? (context.ReplayOf is null ? LastForwardedFor(request) : null);
    }

    /// <summary>Assigned by the store when the exchange is added.</summary>
    public string Id { get; internal set; } = string.Empty;

    public string TunnelName => _context.TunnelName;

    /// <summary>The tunnel's first public URL.</summary>
    public string? TunnelUrl => _context.TunnelUrl;

    /// <summary>The local service that answered (where a replay goes).</summary>
    public LocalTarget LocalTarget => _context.Target;

    /// <summary>The id of the exchange this one replays, for replays.</summary>
    public string? ReplayOf => _context.ReplayOf;

    /// <summary>
    /// The visitor's address: the stream header's when it carries one, otherwise the last
    /// X-Forwarded-For entry (the one the edge appended); null for replays.
    /// </summary>
    public string? RemoteAddress { get; }

    public string Method { get; }

    /// <summary>The request target (path and query) as the local service saw it.</summary>
    public string Target { get; }

    public MessageHead Request { get; }

    public DateTimeOffset StartedAt { get; }

    public BodyCapture RequestBody { get; }

    public BodyCapture ResponseBody { get; }

    public ExchangeState State => _state;

    /// <summary>The final response's head (null while pending).</summary>
    public MessageHead? Response => _response;

    /// <summary>The final response's status (0 while pending).</summary>
    public int Status => Volatile.Read(ref _status);

    public string Reason => Volatile.Read(ref _reason);

    /// <summary>From the request head to the first response head (an interim 100 Continue counts).</summary>
    public TimeSpan? TimeToFirstByte => Ticks(Interlocked.Read(ref _timeToFirstByte));

    /// <summary>From the request head to the end of the response (or to the switch, or to the connection's end).</summary>
    public TimeSpan? Duration => Ticks(Interlocked.Read(ref _duration));

    /// <summary>Counts of a WebSocket connection's messages after its handshake (null for other exchanges).</summary>
    public WebSocketCounts? WebSocket { get; private set; }

    /// <summary>Events of a server-sent-events response (null for other responses).</summary>
    public long? ServerSentEvents => Interlocked.Read(ref _sseEvents) is var count and >= 0 ? count : null;

    /// <summary>Whether the response is a stream of server-sent events.</summary>
    public bool IsEventStream => Interlocked.Read(ref _sseEvents) >= 0;

    /// <summary>The URL the visitor asked for: scheme and host from the edge's X-Forwarded-* headers, else the tunnel's URL.</summary>
    public string? PublicUrl
    {
        get
        {
            var host = Request.Get("X-Forwarded-Host");
            var scheme = Request.Get("X-Forwarded-Proto");
            string? origin = null;
            if (!string.IsNullOrEmpty(host))
            {
                origin = $"{(scheme is "https" ? "https" : "http")}://{host.Split(',')[0].Trim()}";
            }
            else if (TunnelUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var tunnel))
            {
                origin = tunnel.GetLeftPart(UriPartial.Authority);
            }

            return origin is null ? null : origin + (Target.StartsWith('/') ? Target : "/" + Target);
        }
    }

    // Bytes charged to the store's memory bound, and whether the store has dropped the exchange (guarded by the store's lock).
    internal long Charged { get; set; }

    internal bool Evicted { get; set; }

    internal LinkedListNode<CapturedExchange>? Node { get; set; }

    internal void OnFirstByte(long timestamp) =>
        Interlocked.CompareExchange(ref _timeToFirstByte, ElapsedTicks(timestamp), -1);

    internal void OnResponseHead(int status, string reason, MessageHead head, bool eventStream, long? contentLength)
    {
        Volatile.Write(ref _status, status);
        Volatile.Write(ref _reason, reason);
        if (eventStream)
        {
            Interlocked.Exchange(ref _sseEvents, 0);
        }

        ResponseBody.Expect(contentLength);
        _context.Store.Charge(this, head.EstimatedBytes);
        _response = head;
        _state = ExchangeState.Receiving;
        _context.Store.NotifyUpdated(this);
    }

    internal void StartWebSocket() => WebSocket = new WebSocketCounts();

    /// <summary>Counts server-sent events in response body bytes: an event ends at an empty line.</summary>
    internal void CountEvents(ReadOnlySpan<byte> data)
    {
        var newlines = _sseNewlines;
        long events = 0;
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                if (++newlines == 2)
                {
                    events++;
                    newlines = 0;
                }
            }
            else if (b != (byte)'\r')
            {
                newlines = 0;
            }
        }

        _sseNewlines = newlines;
        if (events > 0)
        {
            Interlocked.Add(ref _sseEvents, events);
        }
    }

    internal void Finish(long timestamp, ExchangeState state)
    {
        Interlocked.Exchange(ref _duration, ElapsedTicks(timestamp));
        _state = state;
        _context.Store.NotifyUpdated(this);
    }

    private long ElapsedTicks(long timestamp) => _context.Store.Time.GetElapsedTime(_startTimestamp, timestamp).Ticks;

    private static TimeSpan? Ticks(long ticks) => ticks < 0 ? null : TimeSpan.FromTicks(ticks);

    private static string? LastForwardedFor(MessageHead request)
    {
        string? last = null;
        foreach (var header in request.Headers)
        {
            if (string.Equals(header.Name, "X-Forwarded-For", StringComparison.OrdinalIgnoreCase))
            {
                last = header.Value;
            }
        }

        if (last is null)
        {
            return null;
        }

        var comma = last.LastIndexOf(',');
        var address = last[(comma + 1)..].Trim();
        return address.Length == 0 ? null : address;
    }
}
