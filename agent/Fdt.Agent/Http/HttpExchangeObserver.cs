namespace Fdt.Agent.Http;

/// <summary>
/// Watches both directions of one HTTP/1.1 connection passing through the agent and reports each
/// completed exchange (method, target, status, duration, sizes). Requests and responses are paired
/// in order, as HTTP/1.1 requires; interim 1xx responses are skipped; a protocol switch (101,
/// successful CONNECT) ends observation while the bytes keep flowing.
/// </summary>
internal sealed class HttpExchangeObserver : IHttpMessageSink
{
    private readonly Lock _lock = new();
    private readonly Queue<Pending> _pending = new();
    private readonly TimeProvider _time;
    private readonly Action<HttpExchange> _onExchange;
    private Pending? _lastRequest;
    private bool _interim;

    public HttpExchangeObserver(TimeProvider time, Action<HttpExchange> onExchange)
    {
        _time = time;
        _onExchange = onExchange;
        Requests = new HttpMessageParser(isRequest: true, this);
        Responses = new HttpMessageParser(isRequest: false, this);
    }

    /// <summary>Parser for the visitor → local service direction.</summary>
    public HttpMessageParser Requests { get; }

    /// <summary>Parser for the local service → visitor direction.</summary>
    public HttpMessageParser Responses { get; }

    BodyKind IHttpMessageSink.OnRequestHead(string method, string target, string? requestId, bool chunked, long? contentLength)
    {
        var pending = new Pending(method, target, requestId, _time.GetUtcNow(), _time.GetTimestamp());
        lock (_lock)
        {
            _pending.Enqueue(pending);
            _lastRequest = pending;
        }

        return BodyKind.Framed;
    }

    BodyKind IHttpMessageSink.OnResponseHead(int status, string reason, string? contentType, bool chunked, long? contentLength)
    {
        Pending? request;
        lock (_lock)
        {
            _pending.TryPeek(out request);
        }

        if (request is null)
        {
            // A response without a request: this is not HTTP we can follow.
            Requests.GiveUp();
            return BodyKind.SwitchProtocols;
        }

        request.Status = status;
        request.Reason = reason;
        request.ContentType = contentType;
        request.FirstByteTimestamp ??= _time.GetTimestamp();
        if (status == 101 || (status is >= 200 and < 300 && string.Equals(request.Method, "CONNECT", StringComparison.OrdinalIgnoreCase)))
        {
            Complete(bodyBytes: 0);
            Requests.GiveUp();
            return BodyKind.SwitchProtocols;
        }

        if (status is >= 100 and < 200)
        {
            _interim = true;
            return BodyKind.None;
        }

        return string.Equals(request.Method, "HEAD", StringComparison.OrdinalIgnoreCase) || status is 204 or 304
            ? BodyKind.None
            : BodyKind.Framed;
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

        Complete(bodyBytes);
    }

    private void Complete(long bodyBytes)
    {
        Pending? request;
        lock (_lock)
        {
            if (!_pending.TryDequeue(out request))
            {
                return;
            }
        }

        var now = _time.GetTimestamp();
        _onExchange(new HttpExchange
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
    }
}
