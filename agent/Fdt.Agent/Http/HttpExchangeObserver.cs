using Fdt.Agent.Inspection;
using Fdt.Protocol.WebSockets;

namespace Fdt.Agent.Http;

/// <summary>
/// Watches both directions of one HTTP/1.1 connection passing through the agent and reports each
/// completed exchange (method, target, status, duration, sizes). Requests and responses are paired
/// in order, as HTTP/1.1 requires; interim 1xx responses are skipped; a protocol switch (101,
/// successful CONNECT) ends HTTP observation while the bytes keep flowing. With a
/// <see cref="CaptureContext"/>, it also captures each exchange for the inspector (heads, bodies
/// up to the limit, WebSocket message and server-sent-event counts) as the bytes pass.
/// </summary>
internal sealed class HttpExchangeObserver : IHttpMessageSink
{
    private readonly Lock _lock = new();
    private readonly Queue<Pending> _pending = new();
    private readonly TimeProvider _time;
    private readonly Action<HttpExchange>? _onExchange;
    private readonly CaptureContext? _capture;

    // Only the request direction's thread uses _lastRequest; only the response direction's uses the others.
    private Pending? _lastRequest;
    private CapturedExchange? _responding;
    private bool _interim;
    private CapturedExchange? _switched;
    private WebSocketFrameCounter? _clientFrames;
    private WebSocketFrameCounter? _serverFrames;

    public HttpExchangeObserver(TimeProvider time, Action<HttpExchange>? onExchange, CaptureContext? capture = null)
    {
        _time = time;
        _onExchange = onExchange;
        _capture = capture;
        Requests = new HttpMessageParser(isRequest: true, this);
        Responses = new HttpMessageParser(isRequest: false, this);
    }

    /// <summary>Parser for the visitor → local service direction.</summary>
    public HttpMessageParser Requests { get; }

    /// <summary>Parser for the local service → visitor direction.</summary>
    public HttpMessageParser Responses { get; }

    /// <summary>The capture of the last request head seen (request direction's thread).</summary>
    internal CapturedExchange? LastRequestCapture => _lastRequest?.Captured;

    /// <summary>
    /// Both directions are done: captured exchanges still waiting for (the rest of) a response
    /// are marked incomplete, and an upgraded connection's capture is marked closed.
    /// </summary>
    public void OnConnectionClosed()
    {
        List<Pending> abandoned;
        lock (_lock)
        {
            abandoned = [.. _pending];
            _pending.Clear();
        }

        var now = _time.GetTimestamp();
        foreach (var request in abandoned)
        {
            request.Captured?.Finish(now, ExchangeState.Incomplete);
        }

        _switched?.WebSocket?.MarkClosed();
    }

    BodyKind IHttpMessageSink.OnRequestHead(string method, string target, string? requestId, bool chunked, long? contentLength, ReadOnlySpan<byte> head)
    {
        var startedAt = _time.GetUtcNow();
        var start = _time.GetTimestamp();
        var pending = new Pending(method, target, requestId, startedAt, start)
        {
            Captured = _capture?.Store.Begin(_capture, method, target, head, chunked ? null : contentLength, startedAt, start),
        };
        lock (_lock)
        {
            _pending.Enqueue(pending);
            _lastRequest = pending;
        }

        return BodyKind.Framed;
    }

    BodyKind IHttpMessageSink.OnResponseHead(int status, string reason, string? contentType, bool chunked, long? contentLength, ReadOnlySpan<byte> head)
    {
        Pending? request;
        lock (_lock)
        {
            _pending.TryPeek(out request);
        }

        if (request is null)
        {
            // A response without a request: this is not HTTP we can follow.
            Requests.RequestTransition(switched: false);
            return BodyKind.SwitchProtocols;
        }

        var now = _time.GetTimestamp();
        request.FirstByteTimestamp ??= now;
        request.Captured?.OnFirstByte(now);
        var switching = status == 101 || (status is >= 200 and < 300 && string.Equals(request.Method, "CONNECT", StringComparison.OrdinalIgnoreCase));
        if (!switching && status is >= 100 and < 200)
        {
            _interim = true;
            return BodyKind.None;
        }

        request.Status = status;
        request.Reason = reason;
        request.ContentType = contentType;
        var noBody = switching || string.Equals(request.Method, "HEAD", StringComparison.OrdinalIgnoreCase) || status is 204 or 304;
        if (request.Captured is { } captured)
        {
            var eventStream = contentType is not null && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);
            captured.OnResponseHead(status, reason, MessageHead.Parse(head, isRequest: false), eventStream, chunked || noBody ? null : contentLength);
            _responding = captured;
        }

        if (switching)
        {
            if (request.Captured is { } upgraded)
            {
                _switched = upgraded;
                if (status == 101 && string.Equals(upgraded.Response?.Get("Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase))
                {
                    upgraded.StartWebSocket();
                    _clientFrames = new WebSocketFrameCounter(upgraded.WebSocket!, fromClient: true);
                    _serverFrames = new WebSocketFrameCounter(upgraded.WebSocket!, fromClient: false);
                }
            }

            Complete(bodyBytes: 0, ExchangeState.Upgraded);
            Requests.RequestTransition(switched: true);
            return BodyKind.SwitchProtocols;
        }

        return noBody ? BodyKind.None : BodyKind.Framed;
    }

    void IHttpMessageSink.OnBody(bool isRequest, ReadOnlySpan<byte> data)
    {
        if (isRequest)
        {
            _lastRequest?.Captured?.RequestBody.Append(data);
            return;
        }

        if (_responding is { } captured)
        {
            captured.ResponseBody.Append(data);
            if (captured.IsEventStream)
            {
                captured.CountEvents(data);
            }
        }
    }

    void IHttpMessageSink.OnMessageComplete(bool isRequest, long bodyBytes)
    {
        if (isRequest)
        {
            lock (_lock)
            {
                if (_lastRequest is not null)
                {
                    _lastRequest.RequestBytes = bodyBytes;
                }
            }

            return;
        }

        if (_interim)
        {
            _interim = false;
            return;
        }

        Complete(bodyBytes, ExchangeState.Complete);
    }

    void IHttpMessageSink.OnSwitchedData(bool isRequest, ReadOnlySpan<byte> data)
        => (isRequest ? _clientFrames : _serverFrames)?.Feed(data);

    void IHttpMessageSink.OnSwitchedEnd(bool isRequest) => _switched?.WebSocket?.MarkClosed();

    private void Complete(long bodyBytes, ExchangeState state)
    {
        Pending? request;
        lock (_lock)
        {
            if (!_pending.TryDequeue(out request))
            {
                return;
            }
        }

        _responding = null;
        var now = _time.GetTimestamp();
        request.Captured?.Finish(now, state);
        _onExchange?.Invoke(new HttpExchange
        {
            Method = request.Method,
            Target = request.Target,
            Status = request.Status,
            Reason = request.Reason,
            ContentType = request.ContentType,
            RequestId = request.RequestId,
            StartedAt = request.StartedAt,
            Duration = _time.GetElapsedTime(request.StartTimestamp, now),
            TimeToFirstByte = request.FirstByteTimestamp is { } first ? _time.GetElapsedTime(request.StartTimestamp, first) : null,
            RequestBodyBytes = request.RequestBytes,
            ResponseBodyBytes = bodyBytes,
            CaptureId = request.Captured?.Id,
        });
    }

    private sealed class Pending(string method, string target, string? requestId, DateTimeOffset startedAt, long startTimestamp)
    {
        public string Method { get; } = method;

        public string Target { get; } = target;

        public string? RequestId { get; } = requestId;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public long StartTimestamp { get; } = startTimestamp;

        public long? FirstByteTimestamp { get; set; }

        public int Status { get; set; }

        public string Reason { get; set; } = string.Empty;

        public string? ContentType { get; set; }

        public long RequestBytes { get; set; }

        public CapturedExchange? Captured { get; init; }
    }
}
