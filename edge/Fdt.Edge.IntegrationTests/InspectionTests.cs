using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Fdt.Edge.Forwarding;
using Fdt.Edge.Inspection;
using Fdt.Protocol.Control;
using Fdt.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Edge.IntegrationTests;

/// <summary>The edge's capture for the inspector and its replay, through a real edge, agent and origin.</summary>
public sealed class InspectionTests
{
    private const int Cap = 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exchange_IsCapturedWithTimingsSizesAndRedactedHeaders()
    {
        var (tunnel, sink) = await StartAsync();
        await using var disposeTunnel = tunnel;
        using var request = new HttpRequestMessage(HttpMethod.Get, tunnel.Url + "/hello?x=1");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer secret-token");
        request.Headers.TryAddWithoutValidation("Cookie", "session=secret");
        request.Headers.TryAddWithoutValidation("X-Visible", "yes");

        using var response = await tunnel.Visitor.SendAsync(request, Ct);
        var capture = await sink.SingleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("GET", "/hello?x=1", 200, "http"), (capture.Method, capture.Target, capture.Status, capture.Kind));
        Assert.Equal("hello from origin", Encoding.UTF8.GetString(capture.ResponseBody.Kept.Span));
        Assert.Contains(new KeyValuePair<string, string>("Authorization", "[redacted]"), capture.RequestHeaders);
        Assert.Contains(new KeyValuePair<string, string>("Cookie", "[redacted]"), capture.RequestHeaders);
        Assert.Contains(new KeyValuePair<string, string>("X-Visible", "yes"), capture.RequestHeaders);
        Assert.DoesNotContain(capture.RequestHeaders, h => h.Value.Contains("secret", StringComparison.Ordinal));
        Assert.Equal(IPAddress.Loopback, capture.ClientAddress);
        Assert.NotNull(capture.FirstByte);
        Assert.True(capture.Duration >= capture.FirstByte);
        Assert.Equal(tunnel.Binding.Session.Identity.OwnerId, capture.OwnerId);
    }

    [Fact]
    public async Task Upload_LargerThanTheCap_IsForwardedWhole_AndCapturedTruncated()
    {
        var (tunnel, sink) = await StartAsync();
        await using var disposeTunnel = tunnel;
        var body = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);

        using var response = await tunnel.Visitor.PostAsync(tunnel.Url + "/sha256", new ByteArrayContent(body), Ct);
        var capture = await sink.SingleAsync();

        Assert.Equal(Convert.ToHexString(SHA256.HashData(body)), await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(body.Length, capture.RequestBody.Length);
        Assert.True(capture.RequestBody.Truncated);
        Assert.Equal(Cap, capture.RequestBody.Kept.Length);
        Assert.True(capture.RequestBody.Kept.Span.SequenceEqual(body.AsSpan(0, Cap)));
        Assert.False(capture.ResponseBody.Truncated);
    }

    [Fact]
    public async Task ServerSentEvents_AreCountedAndWebSockets_RecordedAsTheirHandshake()
    {
        var (tunnel, sink) = await StartAsync();
        await using var disposeTunnel = tunnel;
        for (var i = 0; i < 3; i++)
        {
            tunnel.Origin.SseGate.Writer.TryWrite(true);
        }

        using (var sse = await tunnel.Visitor.GetAsync(tunnel.Url + "/sse?count=3", Ct))
        {
            Assert.Contains("event 2", await sse.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var events = await sink.SingleAsync();
        Assert.Equal(("sse", 3), (events.Kind, events.ResponseBody.Events));

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Host", new Uri(tunnel.Url).Authority);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{tunnel.Edge.Port}/ws"), Ct);
        var buffer = new byte[16];
        for (var i = 0; i < 3; i++)
        {
            await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, true, Ct);
            Assert.Equal(4, (await socket.ReceiveAsync(buffer, Ct)).Count);
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", Ct);
        var handshake = await sink.NextAsync(c => c.Kind == "websocket");
        Assert.Equal(101, handshake.Status);
        Assert.Equal((3, 3), (handshake.WebSocket!.MessagesFromClient, handshake.WebSocket.MessagesFromServer));
        Assert.True(handshake.WebSocket.Closed);
    }

    [Fact]
    public async Task InspectFalse_KeepsTheTunnelOutOfTheInspector()
    {
        var (tunnel, sink) = await StartAsync(new TunnelPolicyRequest { Inspect = false });
        await using var disposeTunnel = tunnel;

        using var response = await tunnel.Visitor.GetAsync(tunnel.Url + "/hello", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(sink.Captures);
    }

    [Fact]
    public async Task Replay_WithAModifiedBody_ReachesTheLocalService_AndIsCapturedAsAReplay()
    {
        var (tunnel, sink) = await StartAsync();
        await using var disposeTunnel = tunnel;
        using (var original = await tunnel.Visitor.PostAsync(tunnel.Url + "/echo", new StringContent("original", Encoding.UTF8, "text/plain"), Ct))
        {
            Assert.Equal("original", await original.Content.ReadAsStringAsync(Ct));
        }

        var captured = await sink.SingleAsync();
        var forwarder = tunnel.Edge.Services.GetRequiredService<TunnelForwarder>();
        var replayId = Guid.CreateVersion7();
        var edited = new ReplayRequest("POST", "/echo", captured.Host, [.. captured.RequestHeaders.Where(h => h.Key != "Content-Length")], "modified body"u8.ToArray());

        var result = await forwarder.ReplayAsync(tunnel.Binding, edited, captured.Id, replayId, Ct);

        Assert.Equal((replayId, 200, (string?)null), (result.CaptureId, result.Status, result.ErrorCode));
        var replay = await sink.NextAsync(c => c.Id == replayId);
        Assert.Equal(captured.Id, replay.ReplayOf);
        Assert.Equal("modified body", Encoding.UTF8.GetString(replay.ResponseBody.Kept.Span));
        Assert.Equal(2, tunnel.Binding.Requests);
    }

    [Fact]
    public async Task Replay_ToAStoppedLocalService_ReportsTheEdgeError()
    {
        var (tunnel, sink) = await StartAsync();
        await using var disposeTunnel = tunnel;
        var forwarder = tunnel.Edge.Services.GetRequiredService<TunnelForwarder>();
        await tunnel.Origin.DisposeAsync();

        var result = await forwarder.ReplayAsync(tunnel.Binding, new ReplayRequest("GET", "/hello", "x.localhost", [], null), Guid.NewGuid(), Guid.CreateVersion7(), Ct);

        Assert.Equal((502, Fdt.Protocol.ErrorCodes.LocalServiceUnavailable), (result.Status, result.ErrorCode));
    }

    [Fact]
    public async Task TunnelOverItsCaptureBudget_IsForwardedButNotCaptured()
    {
        var (tunnel, sink) = await StartAsync(perSecond: 1);
        await using var disposeTunnel = tunnel;

        for (var i = 0; i < 6; i++)
        {
            using var response = await tunnel.Visitor.GetAsync(tunnel.Url + "/hello", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A burst of twice the rate is captured; the rest pass uncaptured (a refill may add one).
        Assert.Equal(6, tunnel.Binding.Requests);
        await Eventually.TrueAsync(() => sink.Captures.Count >= 2, cancellationToken: Ct);
        Assert.InRange(sink.Captures.Count, 2, 3);
    }

    private static async Task<(TestTunnel Tunnel, RecordingCaptureSink Sink)> StartAsync(TunnelPolicyRequest? policy = null, int perSecond = 0)
    {
        var sink = new RecordingCaptureSink(perSecond);
        return (await TestTunnel.StartAsync(policy, services => services.AddSingleton<ICaptureSink>(sink)), sink);
    }

    /// <summary>Keeps what the edge submits, so tests can read it.</summary>
    private sealed class RecordingCaptureSink(int perSecond) : ICaptureSink
    {
        private readonly ConcurrentQueue<ExchangeCapture> _captures = new();

        public bool Enabled => true;

        public int BodyLimit => Cap;

        public int MaxPerSecondPerTunnel => perSecond;

        public IReadOnlyCollection<ExchangeCapture> Captures => _captures;

        public void Submit(ExchangeCapture capture) => _captures.Enqueue(capture);

        /// <summary>The first capture (the exchange is submitted when its response ends, just after the visitor has it).</summary>
        public async Task<ExchangeCapture> SingleAsync()
        {
            await Eventually.TrueAsync(() => !_captures.IsEmpty, "nothing was captured", cancellationToken: Ct);
            return Assert.Single(_captures);
        }

        public async Task<ExchangeCapture> NextAsync(Func<ExchangeCapture, bool> match)
        {
            await Eventually.TrueAsync(() => _captures.Any(match), "no such capture", cancellationToken: Ct);
            return _captures.First(match);
        }
    }
}
