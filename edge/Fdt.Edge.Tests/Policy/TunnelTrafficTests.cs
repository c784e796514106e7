using System.Net;
using Fdt.Edge.Policy;
using Fdt.Protocol.Control;
using Fdt.Testing;

namespace Fdt.Edge.Tests.Policy;

public sealed class TunnelTrafficTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void RateLimit_AllowsTheBurst_ThenRefillsOverTheWindow()
    {
        var traffic = new TunnelTraffic(_time);
        RateLimitRule[] rules = [new("agent/visitor/6/m", new RateSpec(6, TimeSpan.FromMinutes(1)), PerVisitor: true)];
        var visitor = IPAddress.Parse("203.0.113.5");

        for (var i = 0; i < 6; i++)
        {
            Assert.True(traffic.TryAcquireRate(rules, visitor, out _, out _));
        }

        Assert.False(traffic.TryAcquireRate(rules, visitor, out var scope, out var retryAfter));
        Assert.Equal("visitor", scope);
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);

        // Another visitor has a bucket of its own; the mapped IPv4 form shares the first one's.
        Assert.True(traffic.TryAcquireRate(rules, IPAddress.Parse("203.0.113.6"), out _, out _));
        Assert.False(traffic.TryAcquireRate(rules, IPAddress.Parse("::ffff:203.0.113.5"), out _, out _));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(traffic.TryAcquireRate(rules, visitor, out _, out _));
        Assert.False(traffic.TryAcquireRate(rules, visitor, out _, out _));

        // Over a whole window, 6 more.
        _time.Advance(TimeSpan.FromMinutes(1));
        var admitted = 0;
        for (var i = 0; i < 10; i++)
        {
            admitted += traffic.TryAcquireRate(rules, visitor, out _, out _) ? 1 : 0;
        }

        Assert.Equal(6, admitted);
    }

    [Fact]
    public void TunnelRateLimit_IsSharedByAllVisitors()
    {
        var traffic = new TunnelTraffic(_time);
        RateLimitRule[] rules = [new("agent/tunnel/2/s", new RateSpec(2, TimeSpan.FromSeconds(1)), PerVisitor: false)];

        Assert.True(traffic.TryAcquireRate(rules, IPAddress.Parse("192.0.2.1"), out _, out _));
        Assert.True(traffic.TryAcquireRate(rules, IPAddress.Parse("192.0.2.2"), out _, out _));
        Assert.False(traffic.TryAcquireRate(rules, IPAddress.Parse("192.0.2.3"), out var scope, out _));
        Assert.Equal("tunnel", scope);
    }

    [Fact]
    public void ManyVisitors_AreBounded()
    {
        var traffic = new TunnelTraffic(_time);
        RateLimitRule[] rules = [new("k", new RateSpec(1, TimeSpan.FromHours(1)), PerVisitor: true)];
        for (var i = 0; i < TunnelTraffic.MaxTrackedVisitors; i++)
        {
            Assert.True(traffic.TryAcquireRate(rules, new IPAddress(BitConverter.GetBytes(0x0A000000 + i)), out _, out _));
        }

        // Every bucket is in use, so newcomers share the overflow bucket: one gets through, then none.
        Assert.True(traffic.TryAcquireRate(rules, IPAddress.Parse("198.51.100.1"), out _, out _));
        Assert.False(traffic.TryAcquireRate(rules, IPAddress.Parse("198.51.100.2"), out _, out _));
    }

    [Fact]
    public void Concurrency_IsCountedAndReleased()
    {
        var traffic = new TunnelTraffic(_time);

        Assert.True(traffic.TryEnterRequest(2));
        Assert.True(traffic.TryEnterRequest(2));
        Assert.False(traffic.TryEnterRequest(2));
        traffic.ExitRequest();
        Assert.True(traffic.TryEnterRequest(2));
        Assert.Equal(2, traffic.InFlight);
    }

    [Fact]
    public void CircuitBreaker_OpensAfterConsecutiveFailures_ThenTriesOneRequest()
    {
        var traffic = new TunnelTraffic(_time);
        var settings = (3, TimeSpan.FromSeconds(10));

        traffic.ReportToBreaker(settings, false);
        traffic.ReportToBreaker(settings, false);
        traffic.ReportToBreaker(settings, true);
        traffic.ReportToBreaker(settings, false);
        traffic.ReportToBreaker(settings, false);
        Assert.True(traffic.TryPassBreaker(out _));
        traffic.ReportToBreaker(settings, false);

        Assert.False(traffic.TryPassBreaker(out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(traffic.TryPassBreaker(out _));
        Assert.False(traffic.TryPassBreaker(out _));

        // The trial fails: open again for the full time.
        traffic.ReportToBreaker(settings, false);
        Assert.False(traffic.TryPassBreaker(out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);

        // The next trial succeeds: closed.
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(traffic.TryPassBreaker(out _));
        traffic.ReportToBreaker(settings, true);
        Assert.True(traffic.TryPassBreaker(out _));
        Assert.True(traffic.TryPassBreaker(out _));
    }

    [Fact]
    public void CircuitBreaker_ATrialWithoutOutcome_LetsTheNextRequestTry()
    {
        var traffic = new TunnelTraffic(_time);
        var settings = (1, TimeSpan.FromSeconds(5));
        traffic.ReportToBreaker(settings, false);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(traffic.TryPassBreaker(out _));

        traffic.ReportToBreaker(settings, null);

        Assert.True(traffic.TryPassBreaker(out _));
    }
}
