namespace Fdt.Agent.Inspection;

/// <summary>
/// The exchanges the agent captured for its local inspector, oldest dropped first: at most
/// <see cref="CaptureOptions.MaxExchanges"/> of them, and at most
/// <see cref="CaptureOptions.MemoryLimit"/> bytes of heads and bodies together. Exchanges are
/// added when their request arrives and updated as their response comes. When the memory bound
/// is reached, the oldest finished exchanges make room; when only exchanges in flight hold it,
/// a body's remaining bytes are not captured (and marked so). Thread-safe; nothing here waits,
/// so the traffic it watches is never held up.
/// </summary>
internal sealed class CaptureStore
{
    private readonly Lock _lock = new();
    private readonly LinkedList<CapturedExchange> _exchanges = new();
    private readonly Dictionary<string, CapturedExchange> _byId = new(StringComparer.Ordinal);
    private CaptureSubscription[] _subscribers = [];
    private long _used;
    private long _sequence;
    private volatile bool _disabled;

    public CaptureStore(CaptureOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        Options = options;
        Time = timeProvider ?? TimeProvider.System;
    }

    public CaptureOptions Options { get; }

    public TimeProvider Time { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _exchanges.Count;
            }
        }
    }

    /// <summary>Bytes of captures currently charged against <see cref="CaptureOptions.MemoryLimit"/>.</summary>
    public long MemoryUsed
    {
        get
        {
            lock (_lock)
            {
                return _used;
            }
        }
    }

    /// <summary>Whether new connections are captured (false once nothing can show the captures).</summary>
    public bool IsEnabled => !_disabled;

    /// <summary>Stops capturing new connections and drops what was captured.</summary>
    public void Disable()
    {
        _disabled = true;
        Clear();
    }

    /// <summary>Starts capturing an exchange whose request head just passed; null when over the capture rate.</summary>
    internal CapturedExchange? Begin(CaptureContext context, string method, string target, ReadOnlySpan<byte> head, long? contentLength, DateTimeOffset startedAt, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ReplayOf is null && !TakeBudget(startTimestamp))
        {
            Interlocked.Increment(ref _skipped);
            return null;
        }

        var request = MessageHead.Parse(head, isRequest: true);
        var exchange = new CapturedExchange(context, method, target, request, startedAt, startTimestamp, contentLength);
        Add(exchange, request.EstimatedBytes);
        return exchange;
    }

    /// <summary>Exchanges not captured because they came faster than <see cref="CaptureOptions.MaxPerSecond"/>.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    private long _skipped;
    private double _tokens = -1;
    private long _refilled;

    private bool TakeBudget(long now)
    {
        var rate = Options.MaxPerSecond;
        if (rate <= 0)
        {
            return true;
        }

        lock (_lock)
        {
            var burst = rate * 2.0;
            _tokens = _tokens < 0 ? burst : Math.Min(burst, _tokens + ((now - _refilled) * rate / (double)Time.TimestampFrequency));
            _refilled = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    public CapturedExchange? Find(string id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>Exchanges matching <paramref name="query"/>, newest first.</summary>
    public IReadOnlyList<CapturedExchange> List(ExchangeQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var result = new List<CapturedExchange>(Math.Min(query.Limit, 64));
        lock (_lock)
        {
            for (var node = _exchanges.Last; node is not null && result.Count < query.Limit; node = node.Previous)
            {
                if (query.Matches(node.Value))
                {
                    result.Add(node.Value);
                }
            }
        }

        return result;
    }

    /// <summary>Drops every exchange (those still in flight stop capturing).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var exchange in _exchanges)
            {
                exchange.Evicted = true;
                exchange.Node = null;
            }

            _exchanges.Clear();
            _byId.Clear();
            _used = 0;
            Publish(new CaptureChange(CaptureChangeKind.Cleared, null));
        }
    }

    /// <summary>Follows changes; dispose the subscription to stop. A slow reader loses the oldest changes.</summary>
    public CaptureSubscription Subscribe(int capacity = 1024)
    {
        var subscription = new CaptureSubscription(this, capacity);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    internal void Unsubscribe(CaptureSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers = Array.FindAll(_subscribers, s => s != subscription);
        }
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> of the memory bound for <paramref name="exchange"/>, dropping
    /// the oldest other exchanges if that makes room; false when it cannot (the exchange was
    /// dropped, or exchanges in flight hold the memory).
    /// </summary>
    internal bool TryCharge(CapturedExchange exchange, long bytes)
    {
        lock (_lock)
        {
            if (exchange.Evicted)
            {
                return false;
            }

            MakeRoom(bytes, keep: exchange);
            if (_used + bytes > Options.MemoryLimit)
            {
                return false;
            }

            _used += bytes;
            exchange.Charged += bytes;
            return true;
        }
    }

    /// <summary>Charges a head: heads are always kept; older exchanges make room.</summary>
    internal void Charge(CapturedExchange exchange, long bytes)
    {
        lock (_lock)
        {
            if (exchange.Evicted)
            {
                return;
            }

            _used += bytes;
            exchange.Charged += bytes;
            MakeRoom(0, keep: exchange);
        }
    }

    internal void NotifyUpdated(CapturedExchange exchange)
    {
        if (exchange.Evicted)
        {
            return;
        }

        Publish(new CaptureChange(CaptureChangeKind.Updated, exchange));
    }

    private void Add(CapturedExchange exchange, long headBytes)
    {
        lock (_lock)
        {
            exchange.Id = "req_" + (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
            exchange.Node = _exchanges.AddLast(exchange);
            _byId.Add(exchange.Id, exchange);
            _used += headBytes;
            exchange.Charged = headBytes;
            while (_exchanges.Count > Options.MaxExchanges)
            {
                Evict(_exchanges.First!.Value);
            }

            MakeRoom(0, keep: exchange);
            Publish(new CaptureChange(CaptureChangeKind.Added, exchange));
        }
    }

    /// <summary>
    /// Drops the oldest finished exchanges until <paramref name="bytes"/> more fit. Exchanges still
    /// in flight are kept: dropping them would only lose what they already captured.
    /// </summary>
    private void MakeRoom(long bytes, CapturedExchange keep)
    {
        var node = _exchanges.First;
        while (_used + bytes > Options.MemoryLimit && node is not null)
        {
            var next = node.Next;
            if (node.Value != keep && node.Value.State is not (ExchangeState.Pending or ExchangeState.Receiving))
            {
                Evict(node.Value);
            }

            node = next;
        }
    }

    private void Evict(CapturedExchange exchange)
    {
        _exchanges.Remove(exchange.Node!);
        _byId.Remove(exchange.Id);
        _used -= exchange.Charged;
        exchange.Charged = 0;
        exchange.Evicted = true;
        exchange.Node = null;
        Publish(new CaptureChange(CaptureChangeKind.Removed, exchange));
    }

    private void Publish(CaptureChange change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.TryWrite(change);
        }
    }
}
