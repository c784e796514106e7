using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fdt.Agent.Inspection;
using Fdt.Agent.Inspection.Replay;
using Fdt.Testing;

namespace Fdt.Agent.Tests.Inspection.Replay;

/// <summary>Replays against a real local service (the test origin on Kestrel).</summary>
public sealed class ExchangeReplayerTests : IAsyncLifetime
{
    private readonly CaptureStore _store = Captures.Store();
    private OriginServer _origin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _origin = await OriginServer.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _origin.DisposeAsync();

    [Fact]
    public async Task Replay_WithNewBody_ReachesTheServiceAndIsLinkedToTheOriginal()
    {
        var original = Capture("POST /echo HTTP/1.1\r\nHost: demo.localhost:8080\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nfirst", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
        var replayer = new ExchangeReplayer(_store, TimeSpan.FromSeconds(5));

        var replay = await replayer.ReplayAsync(original, new ReplayRequest { Body = "second, longer" }, Ct);

        Assert.Equal(original.Id, replay.ReplayOf);
        Assert.NotEqual(original.Id, replay.Id);
        Assert.Equal(ExchangeState.Complete, replay.State);
        Assert.Equal(200, replay.Status);
        Assert.Equal("second, longer", Encoding.UTF8.GetString(replay.RequestBody.ToArray()));
        Assert.Equal("second, longer", Encoding.UTF8.GetString(replay.ResponseBody.ToArray()));
        Assert.Equal("text/plain", replay.Response!.Get("Content-Type"));
        Assert.Equal("demo.localhost:8080", replay.Request.Get("Host"));
        Assert.Null(replay.RemoteAddress);
        Assert.Same(replay, _store.Find(replay.Id));
    }

    [Fact]
    public async Task Replay_Unchanged_SendsTheCapturedBodyAgain()
    {
        var body = OriginServer.Content(100_000);
        var original = Capture(Captures.Message("POST /sha256 HTTP/1.1\r\nHost: demo", body), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());

        var replay = await new ExchangeReplayer(_store, TimeSpan.FromSeconds(5)).ReplayAsync(original, null, Ct);

        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body)), Encoding.ASCII.GetString(replay.ResponseBody.ToArray()));
        Assert.Equal("100000", replay.Response!.Get("X-Body-Length"));
    }

    [Fact]
    public async Task Replay_ChangedMethodPathAndHeaders_AreWhatTheServiceSees()
    {
        var original = Capture("POST /old HTTP/1.1\r\nHost: demo\r\nX-Remove-Me: 1\r\nX-Keep: k\r\nX-Change: before\r\nContent-Length: 2\r\n\r\nhi", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        var replay = await new ExchangeReplayer(_store, TimeSpan.FromSeconds(5)).ReplayAsync(
            original,
            new ReplayRequest
            {
                Method = "GET",
                Path = "/headers",
                Headers = new ReplayHeaderChanges { Remove = ["x-remove-me"], Set = new Dictionary<string, string> { ["X-Change"] = "after", ["X-New"] = "n" } },
                Body = string.Empty,
            },
            Ct);

        using var seen = JsonDocument.Parse(replay.ResponseBody.ToArray());
        var headers = seen.RootElement;
        Assert.Equal("GET", replay.Method);
        Assert.Equal("/headers", replay.Target);
        Assert.Equal("k", headers.GetProperty("x-keep").GetString());
        Assert.Equal("after", headers.GetProperty("x-change").GetString());
        Assert.Equal("n", headers.GetProperty("x-new").GetString());
        Assert.False(headers.TryGetProperty("x-remove-me", out _));
    }

    [Fact]
    public async Task Replay_TruncatedBodyWithoutReplacement_IsRefused()
    {
        var store = Captures.Store(bodyLimit: 10);
        var original = Captures.Exchange(store, Captures.Message("POST /echo HTTP/1.1", new byte[100]), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());

        var error = await Assert.ThrowsAsync<ReplayException>(() => new ExchangeReplayer(store, TimeSpan.FromSeconds(5)).ReplayAsync(original, null, Ct));

        Assert.Equal(409, error.Status);
    }

    [Theory]
    [InlineData("GET /x", null, null)]
    [InlineData(null, "no-slash", null)]
    [InlineData(null, "/a b", null)]
    [InlineData(null, null, "Content-Length")]
    [InlineData(null, null, "Bad Name")]
    public void BuildRequest_InvalidChanges_AreRefused(string? method, string? path, string? header)
    {
        var original = Captures.Exchange(_store, "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n");
        var changes = new ReplayRequest
        {
            Method = method,
            Path = path,
            Headers = header is null ? null : new ReplayHeaderChanges { Set = new Dictionary<string, string> { [header] = "1" } },
        };

        var error = Assert.Throws<ReplayException>(() => ExchangeReplayer.BuildRequest(original, changes));

        Assert.Equal(400, error.Status);
    }

    [Fact]
    public async Task Replay_LocalServiceDown_Answers502()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var original = Captures.Exchange(Captures.Store(), "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n");
        var store = Captures.Store();
        var down = Captures.Observer(store, target: new LocalTarget("127.0.0.1", port));
        down.Requests.Feed("GET / HTTP/1.1\r\n\r\n"u8);

        var error = await Assert.ThrowsAsync<ReplayException>(() => new ExchangeReplayer(store, TimeSpan.FromSeconds(5)).ReplayAsync(down.LastRequestCapture!, null, Ct));

        Assert.Equal(502, error.Status);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
        Assert.NotNull(original);
    }

    private CapturedExchange Capture(string request, string response)
        => Capture(Encoding.UTF8.GetBytes(request), Encoding.UTF8.GetBytes(response));

    private CapturedExchange Capture(byte[] request, byte[] response)
    {
        var observer = Captures.Observer(_store, target: new LocalTarget("127.0.0.1", _origin.Port));
        observer.Requests.Feed(request);
        observer.Responses.Feed(response);
        observer.OnConnectionClosed();
        return observer.LastRequestCapture!;
    }
}
