using System.Collections.Concurrent;
using System.Net;
using Fdt.Protocol.Control;

namespace Fdt.Edge.Policy;

/// <summary>
/// The live state a tunnel's policy is enforced with: rate-limit buckets, requests in flight and
/// the circuit breaker. It belongs to the tunnel, not to a policy instance, so a policy update
/// keeps the counters of rules that did not change.
/// </summary>
public sealed class TunnelTraffic
{
    /// <summary>Visitor addresses tracked per rate limit; beyond it, idle buckets are dropped and new visitors share one.</summary>
    public const int MaxTrackedVisitors = 10_000;

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, RateLimiterState> _limiters = new(StringComparer.Ordinal);
    private readonly CircuitBreakerState _breaker = new();
    private int _inFlight;
    private CaptureBudget? _captureBudget;

    public TunnelTraffic(TimeProvider time) => _time = time;

    /// <summary>Requests forwarded right now under a concurrency limit.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Takes one request from every rate limit; on refusal, which limit refused ("visitor" or
    /// "tunnel") and when to retry. Buckets already charged by earlier limits are not refunded.
    /// </summary>
    public bool TryAcquireRate(IReadOnlyList<RateLimitRule> rules, IPAddress? visitor, out string? scope, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(rules);
        (scope, retryAfter) = (null, TimeSpan.Zero);
        var now = _time.GetTimestamp();
        foreach (var rule in rules)
        {
            var state = _limiters.GetOrAdd(rule.Key, static (_, rate) => new RateLimiterState(rate), rule.Rate);
            if (!state.TryTake(rule.PerVisitor ? visitor : null, now, _time.TimestampFrequency, out retryAfter))
            {
                scope = rule.PerVisitor ? "visitor" : "tunnel";
                return false;
            }
        }

        return true;
    }

    /// <summary>Takes one capture from the tunnel's inspector budget (<paramref name="perSecond"/>, a burst of twice as many).</summary>
    public bool TryTakeCapture(int perSecond)
    {
        var budget = Volatile.Read(ref _captureBudget);
        if (budget is null || budget.Rate != perSecond)
        {
            budget = new CaptureBudget(perSecond, new RateLimiterState(new RateSpec(perSecond * 2, TimeSpan.FromSeconds(2))));
            Volatile.Write(ref _captureBudget, budget);
        }

        return budget.State.TryTake(null, _time.GetTimestamp(), _time.TimestampFrequency, out _);
    }

    /// <summary>Admits one more request in flight if fewer than <paramref name="max"/> are; pair with <see cref="ExitRequest"/>.</summary>
    public bool TryEnterRequest(int max)
    {
        if (Interlocked.Increment(ref _inFlight) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void ExitRequest() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Whether the breaker lets a request through; when open, how long it stays so.</summary>
    public bool TryPassBreaker(out TimeSpan retryAfter) => _breaker.TryPass(_time.GetUtcNow(), out retryAfter);

    /// <summary>Reports a forwarded request's outcome: true success, false failure of the local service, null neither (visitor left).</summary>
    public void ReportToBreaker((int Failures, TimeSpan OpenFor) settings, bool? success) => _breaker.Report(settings, success, _time.GetUtcNow());

    private sealed record CaptureBudget(int Rate, RateLimiterState State);

    /// <summary>Token buckets: <c>Count</c> requests at once, refilled at <c>Count</c> per <c>Period</c>.</summary>
    private sealed class RateLimiterState(RateSpec rate)
    {
        private readonly ConcurrentDictionary<IPAddress, Bucket> _visitors = new();
        private readonly Bucket _shared = new(rate.Count);
        private readonly Bucket _overflow = new(rate.Count);

        public bool TryTake(IPAddress? visitor, long now, long frequency, out TimeSpan retryAfter)
        {
            var bucket = _shared;
            if (visitor is not null)
            {
                if (visitor.IsIPv4MappedToIPv6)
                {
                    visitor = visitor.MapToIPv4();
                }

                if (!_visitors.TryGetValue(visitor, out bucket!))
                {
                    if (_visitors.Count >= MaxTrackedVisitors)
                    {
                        Sweep(now, frequency);
                    }

                    bucket = _visitors.Count >= MaxTrackedVisitors ? _overflow : _visitors.GetOrAdd(visitor, _ => new Bucket(rate.Count));
                }
            }

            return bucket.TryTake(rate, now, frequency, out retryAfter);
        }

        /// <summary>Drops buckets that have refilled completely: their visitors are idle.</summary>
        private void Sweep(long now, long frequency)
        {
            foreach (var (address, bucket) in _visitors)
            {
                if (bucket.IsFull(rate, now, frequency))
                {
                    _visitors.TryRemove(address, out _);
                }
            }
        }
    }

    private sealed class Bucket(int capacity)
    {
        private readonly Lock _lock = new();
        private double _tokens = capacity;
        private long _updated = -1;

        public bool TryTake(RateSpec rate, long now, long frequency, out TimeSpan retryAfter)
        {
            lock (_lock)
            {
                Refill(rate, now, frequency);
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = TimeSpan.FromSeconds((1 - _tokens) * rate.Period.TotalSeconds / rate.Count);
                return false;
            }
        }

        public bool IsFull(RateSpec rate, long now, long frequency)
        {
            lock (_lock)
            {
                Refill(rate, now, frequency);
                return _tokens >= rate.Count;
            }
        }

        private void Refill(RateSpec rate, long now, long frequency)
        {
            if (_updated >= 0)
            {
                var elapsed = (double)(now - _updated) / frequency;
                _tokens = Math.Min(rate.Count, _tokens + (elapsed * rate.Count / rate.Period.TotalSeconds));
            }

            _updated = now;
        }
    }

    /// <summary>
    /// Closed until the configured number of consecutive failures, then open (requests refused)
    /// for the open time; then half-open: one trial request goes through, and its outcome closes
    /// or re-opens the circuit.
    /// </summary>
    private sealed class CircuitBreakerState
    {
        private readonly Lock _lock = new();
        private int _failures;
        private DateTimeOffset? _openUntil;
        private bool _trialInFlight;

        public bool TryPass(DateTimeOffset now, out TimeSpan retryAfter)
        {
            lock (_lock)
            {
                retryAfter = TimeSpan.Zero;
                if (_openUntil is not { } until)
                {
                    return true;
                }

                if (now < until)
                {
                    retryAfter = until - now;
                    return false;
                }

                if (_trialInFlight)
                {
                    retryAfter = TimeSpan.FromSeconds(1);
                    return false;
                }

                _trialInFlight = true;
                return true;
            }
        }

        public void Report((int Failures, TimeSpan OpenFor) settings, bool? success, DateTimeOffset now)
        {
            lock (_lock)
            {
                var trial = _trialInFlight;
                _trialInFlight = false;
                switch (success)
                {
                    case true:
                        _failures = 0;
                        _openUntil = null;
                        break;
                    case false when trial || ++_failures >= settings.Failures:
                        _failures = 0;
                        _openUntil = now + settings.OpenFor;
                        break;
                    case null when trial:
                        // The trial told nothing: the next request becomes the trial.
                        _openUntil = now;
                        break;
                }
            }
        }
    }
}
