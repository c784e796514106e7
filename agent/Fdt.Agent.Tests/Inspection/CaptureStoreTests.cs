using System.Text;
using Fdt.Agent.Inspection;

namespace Fdt.Agent.Tests.Inspection;

public sealed class CaptureStoreTests
{
    [Fact]
    public void Begin_FasterThanTheCaptureRate_LetsExchangesPassUncaptured_UntilTheBudgetRefills()
    {
        var time = new Fdt.Testing.FakeTimeProvider();
        var store = Captures.Store(time: time, maxPerSecond: 2);

        var captured = Enumerable.Range(0, 6).Count(i => Observe(store, $"/{i}") is not null);

        Assert.Equal(4, captured);
        Assert.Equal(2, store.Skipped);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(Observe(store, "/later"));
    }

    private static CapturedExchange? Observe(CaptureStore store, string path)
    {
        var observer = Captures.Observer(store);
        observer.Requests.Feed(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: a\r\n\r\n"));
        var captured = observer.LastRequestCapture;
        observer.Responses.Feed(Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\n\r\n"));
        observer.OnConnectionClosed();
        return captured;
    }

    [Fact]
    public void Begin_MoreThanMaxExchanges_DropsOldestFirst()
    {
        var store = Captures.Store(maxExchanges: 3);

        for (var i = 1; i <= 5; i++)
        {
            Captures.Exchange(store, $"GET /{i} HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n");
        }

        Assert.Equal(["/5", "/4", "/3"], store.List(new ExchangeQuery()).Select(e => e.Target));
        Assert.Null(store.Find("req_1"));
        Assert.NotNull(store.Find("req_5"));
    }

    [Fact]
    public void Append_OverMemoryLimit_DropsOldestExchangesFirstAndStaysWithinLimit()
    {
        const int body = 16 * 1024;
        var store = Captures.Store(bodyLimit: body, memoryLimit: 64 * 1024);
        var payload = new byte[body];

        for (var i = 1; i <= 10; i++)
        {
            var exchange = Captures.Exchange(store, Captures.Message($"POST /{i} HTTP/1.1\r\nHost: a", payload), Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\n\r\n"));
            Assert.False(exchange.RequestBody.IsTruncated);
            Assert.True(store.MemoryUsed <= 64 * 1024, $"{store.MemoryUsed} bytes used after {i} exchanges");
        }

        var kept = store.List(new ExchangeQuery()).Select(e => e.Target).ToList();
        Assert.Equal("/10", kept[0]);
        Assert.InRange(kept.Count, 2, 3);
        Assert.Equal(kept, Enumerable.Range(11 - kept.Count, kept.Count).Reverse().Select(i => $"/{i}"));
    }

    [Fact]
    public void Append_MemoryHeldByCapturesInFlight_MarksTheRestNotCapturedWithoutWaiting()
    {
        var store = Captures.Store(bodyLimit: 32 * 1024, memoryLimit: 40 * 1024);
        var first = Captures.Observer(store);
        var second = Captures.Observer(store);

        // Two uploads in flight at once: the first holds 32 KiB, so the second finds no room.
        first.Requests.Feed(Encoding.ASCII.GetBytes("POST /a HTTP/1.1\r\nContent-Length: 32768\r\n\r\n"));
        first.Requests.Feed(new byte[32 * 1024]);
        second.Requests.Feed(Encoding.ASCII.GetBytes("POST /b HTTP/1.1\r\nContent-Length: 32768\r\n\r\n"));
        second.Requests.Feed(new byte[32 * 1024]);

        var a = first.LastRequestCapture!;
        var b = second.LastRequestCapture!;
        Assert.Equal(BodyTruncation.None, a.RequestBody.Truncation);
        Assert.Equal(32 * 1024, a.RequestBody.CapturedSize);
        Assert.Equal(BodyTruncation.MemoryLimit, b.RequestBody.Truncation);
        Assert.Equal(32 * 1024, b.RequestBody.Size);
        Assert.True(b.RequestBody.CapturedSize < 8 * 1024);
        Assert.True(store.MemoryUsed <= 40 * 1024);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void Clear_RemovesEverythingAndReleasesMemory()
    {
        var store = Captures.Store();
        Captures.Exchange(store, "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        using var subscription = store.Subscribe();

        store.Clear();

        Assert.Equal(0, store.Count);
        Assert.Equal(0, store.MemoryUsed);
        Assert.True(subscription.Reader.TryRead(out var change));
        Assert.Equal(CaptureChangeKind.Cleared, change.Kind);
    }

    [Fact]
    public void Subscribe_SeesAddedThenUpdatedExchanges()
    {
        var store = Captures.Store();
        using var subscription = store.Subscribe();

        var exchange = Captures.Exchange(store, "GET /x HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        var changes = new List<CaptureChange>();
        while (subscription.Reader.TryRead(out var change))
        {
            changes.Add(change);
        }

        Assert.Equal(CaptureChangeKind.Added, changes[0].Kind);
        Assert.All(changes, c => Assert.Same(exchange, c.Exchange));
        Assert.Equal(CaptureChangeKind.Updated, changes[^1].Kind);
        Assert.Equal(ExchangeState.Complete, exchange.State);
    }

    [Theory]
    [InlineData("404", "/missing")]
    [InlineData("2xx", "/ok")]
    [InlineData("5xx", "/broken")]
    public void List_StatusFilter_MatchesCodeOrClass(string status, string expected)
    {
        var store = Captures.Store();
        Captures.Exchange(store, "GET /ok HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Captures.Exchange(store, "GET /missing HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        Captures.Exchange(store, "GET /broken HTTP/1.1\r\n\r\n", "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");

        var found = Assert.Single(store.List(new ExchangeQuery { Status = status }));

        Assert.Equal(expected, found.Target);
    }

    [Fact]
    public void List_MethodPathAndLimit_FilterNewestFirst()
    {
        var store = Captures.Store();
        Captures.Exchange(store, "POST /api/users HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        Captures.Exchange(store, "GET /api/users/1 HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Captures.Exchange(store, "GET /API/USERS/2 HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Captures.Exchange(store, "GET /health HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(["/API/USERS/2", "/api/users/1"], store.List(new ExchangeQuery { Method = "get", PathContains = "/api/users" }).Select(e => e.Target));
        Assert.Equal(["/health"], store.List(new ExchangeQuery { Limit = 1 }).Select(e => e.Target));
    }
}
