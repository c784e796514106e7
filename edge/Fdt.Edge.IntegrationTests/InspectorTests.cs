using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fdt.Agent.Inspection;
using Fdt.Agent.Inspection.Replay;
using Fdt.Agent.Inspection.Web;
using Fdt.Testing;

namespace Fdt.Edge.IntegrationTests;

/// <summary>
/// The agent's local inspector with a real edge, agent, origin and inspector server on loopback:
/// what visitors send through the tunnel is captured as it passes, shown, exported and replayed.
/// </summary>
public sealed class InspectorTests : IAsyncLifetime
{
    private readonly CaptureStore _store = new(new CaptureOptions());
    private EdgeTestHost _edge = null!;
    private OriginServer _origin = null!;
    private AgentHarness _agent = null!;
    private InspectorServer _inspector = null!;
    private HttpClient _visitor = null!;
    private HttpClient _api = null!;
    private string _url = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        _origin = await OriginServer.StartAsync(Ct);
        _agent = AgentHarness.Start(_edge.ServerUrl, _origin.Address, configure: o => o with { Capture = _store });
        _url = (await _agent.WaitForTunnelAsync()).Urls[0];
        _visitor = _edge.CreateVisitor();
        var replayer = new ExchangeReplayer(_store, TimeSpan.FromSeconds(10), _agent.Options.OnEvent);
        _inspector = await InspectorServer.StartAsync(new InspectorAddress("127.0.0.1", 0), 0, _store, replayer, "test", Ct);
        _api = new HttpClient { BaseAddress = _inspector.Url };
        _api.DefaultRequestHeaders.Add(InspectorServer.CsrfHeader, "1");
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        _visitor.Dispose();
        await _inspector.DisposeAsync();
        await _agent.DisposeAsync();
        await _origin.DisposeAsync();
        await _edge.DisposeAsync();
    }

    [Fact]
    public async Task Upload_FiveMegabytes_IsCapturedUpToTheCapAndMarkedTruncatedWhileTheServiceGetsItAll()
    {
        var upload = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        using var content = new ByteArrayContent(upload);

        using var posted = await _visitor.PostAsync(_url + "/sha256", content, Ct);

        var hash = Convert.ToHexString(SHA256.HashData(upload));
        Assert.Equal(hash, await posted.Content.ReadAsStringAsync(Ct));
        using var detail = await DetailAsync("/sha256");
        var body = detail.RootElement.GetProperty("request").GetProperty("body");
        Assert.Equal(upload.Length, body.GetProperty("size").GetInt64());
        Assert.Equal(CaptureOptions.DefaultBodyLimit, body.GetProperty("capturedSize").GetInt64());
        Assert.True(body.GetProperty("truncated").GetBoolean());
        Assert.Equal("body-limit", body.GetProperty("truncation").GetString());
        var raw = await _api.GetByteArrayAsync($"/api/requests/{Id(detail)}/request/body", Ct);
        Assert.Equal(upload.AsSpan(0, CaptureOptions.DefaultBodyLimit).ToArray(), raw);
        var response = detail.RootElement.GetProperty("response");
        Assert.Equal(200, response.GetProperty("status").GetInt32());
        Assert.Equal(hash, response.GetProperty("body").GetProperty("text").GetString());
        Assert.False(response.GetProperty("body").GetProperty("truncated").GetBoolean());
        using var list = JsonDocument.Parse(await _api.GetStringAsync("/api/requests", Ct));
        Assert.True(list.RootElement.GetProperty("requests")[0].GetProperty("requestTruncated").GetBoolean());
    }

    [Fact]
    public async Task Upload_Chunked_IsCapturedDecoded()
    {
        var text = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}\n"));
        using var request = new HttpRequestMessage(HttpMethod.Post, _url + "/echo")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(text))),
        };
        request.Content.Headers.ContentType = new("text/plain");
        request.Headers.TransferEncodingChunked = true;

        using var response = await _visitor.SendAsync(request, Ct);

        Assert.Equal(text, await response.Content.ReadAsStringAsync(Ct));
        using var detail = await DetailAsync("/echo");
        var captured = detail.RootElement.GetProperty("request");
        Assert.Contains(captured.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString()!.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.GetProperty("value").GetString() == "chunked");
        Assert.Equal("text", captured.GetProperty("body").GetProperty("kind").GetString());
        Assert.Equal(text, captured.GetProperty("body").GetProperty("text").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(text), captured.GetProperty("body").GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Replay_WithModifiedBody_ReachesTheLocalServiceAndIsLinkedToTheOriginal()
    {
        using var posted = await _visitor.PostAsync(_url + "/echo", new StringContent("{\"order\":1}", Encoding.UTF8, "application/json"), Ct);
        using var original = await DetailAsync("/echo");
        var id = Id(original);
        DrainSeen();

        using var replayed = await _api.PostAsJsonAsync($"/api/requests/{id}/replay", new { body = "{\"order\":2}" }, Ct);

        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        using var replay = JsonDocument.Parse(await replayed.Content.ReadAsStringAsync(Ct));
        var root = replay.RootElement;
        Assert.Equal(id, root.GetProperty("replayOf").GetString());
        Assert.NotEqual(id, Id(replay));
        Assert.Equal("complete", root.GetProperty("state").GetString());
        Assert.Equal("{\n  \"order\": 2\n}", root.GetProperty("request").GetProperty("body").GetProperty("text").GetString());
        Assert.Equal(200, root.GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal("{\n  \"order\": 2\n}", root.GetProperty("response").GetProperty("body").GetProperty("text").GetString());
        Assert.Equal("/echo", await _origin.Seen.Reader.ReadAsync(Ct));

        using var list = JsonDocument.Parse(await _api.GetStringAsync("/api/requests", Ct));
        var newest = list.RootElement.GetProperty("requests")[0];
        Assert.Equal(Id(replay), newest.GetProperty("id").GetString());
        Assert.Equal(id, newest.GetProperty("replayOf").GetString());
        await _agent.WaitForAsync<Fdt.Agent.Events.RequestEvent>(e => e.Exchange.CaptureId == Id(replay));
    }

    [Fact]
    public async Task Replay_WithBase64Body_SendsTheBytes()
    {
        using var posted = await _visitor.PostAsync(_url + "/sha256", new ByteArrayContent([1, 2, 3]), Ct);
        using var original = await DetailAsync("/sha256");
        var bytes = RandomNumberGenerator.GetBytes(3000);

        using var replayed = await _api.PostAsJsonAsync($"/api/requests/{Id(original)}/replay", new { method = "POST", path = "/sha256?again=1", bodyBase64 = Convert.ToBase64String(bytes) }, Ct);

        using var replay = JsonDocument.Parse(await replayed.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/sha256?again=1", replay.RootElement.GetProperty("request").GetProperty("target").GetString());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)), replay.RootElement.GetProperty("response").GetProperty("body").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Har_ParsesBackWithTheExchangesFields()
    {
        using var posted = await _visitor.PostAsync(_url + "/echo?x=1", new StringContent("a=1&b=two", Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        using var detail = await DetailAsync("/echo?x=1");

        using var har = JsonDocument.Parse(await _api.GetStringAsync($"/api/requests/{Id(detail)}/har", Ct));

        var log = har.RootElement.GetProperty("log");
        Assert.Equal("1.2", log.GetProperty("version").GetString());
        var entry = Assert.Single(log.GetProperty("entries").EnumerateArray());
        var request = entry.GetProperty("request");
        Assert.Equal("POST", request.GetProperty("method").GetString());
        Assert.Equal(_url + "/echo?x=1", request.GetProperty("url").GetString());
        Assert.Equal("x", request.GetProperty("queryString")[0].GetProperty("name").GetString());
        Assert.Equal(["a", "b"], request.GetProperty("postData").GetProperty("params").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(9, request.GetProperty("bodySize").GetInt64());
        var response = entry.GetProperty("response");
        Assert.Equal(200, response.GetProperty("status").GetInt32());
        Assert.Equal("a=1&b=two", response.GetProperty("content").GetProperty("text").GetString());
        Assert.StartsWith("application/x-www-form-urlencoded", response.GetProperty("content").GetProperty("mimeType").GetString(), StringComparison.Ordinal);
        Assert.True(entry.GetProperty("time").GetDouble() > 0);
    }

    [Fact]
    public async Task Curl_SendsTheRequestAgainThroughThePublicUrl()
    {
        var body = "{\"note\":\"it's here\"}";
        using var posted = await _visitor.PostAsync(_url + "/echo", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        using var detail = await DetailAsync("/echo");

        var curl = await _api.GetStringAsync($"/api/requests/{Id(detail)}/curl", Ct);

        Assert.StartsWith($"curl -X 'POST' '{_url}/echo'", curl, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Forwarded", curl, StringComparison.Ordinal);
        await using var run = TestProcess.Start("bash", ["-c", curl.Replace("curl ", "curl -sS ", StringComparison.Ordinal)]);
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(body, string.Join('\n', run.Lines));
        await Eventually.TrueAsync(() => _store.Count == 2, "the curl request went through the tunnel", cancellationToken: Ct);
    }

    [Fact]
    public async Task WebSocket_IsRecordedAsItsHandshakeWithMessageCounts()
    {
        using (var socket = new ClientWebSocket())
        {
            using var invoker = new HttpMessageInvoker(LoopbackHttp.CreateHandler(_edge.Port));
            await socket.ConnectAsync(new Uri(_url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"), invoker, Ct);
            var buffer = new byte[1024];
            for (var i = 0; i < 3; i++)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes($"message {i}"), WebSocketMessageType.Text, true, Ct);
                await socket.ReceiveAsync(buffer, Ct);
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        }

        await Eventually.TrueAsync(
            async () =>
            {
                using var detail = await DetailAsync("/ws");
                return detail.RootElement.GetProperty("webSocket").GetProperty("closed").GetBoolean();
            },
            "the WebSocket capture saw the close",
            cancellationToken: Ct);
        using var final = await DetailAsync("/ws");
        Assert.Equal("upgraded", final.RootElement.GetProperty("state").GetString());
        Assert.Equal(101, final.RootElement.GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal(3, final.RootElement.GetProperty("webSocket").GetProperty("messagesFromClient").GetInt64());
        Assert.Equal(3, final.RootElement.GetProperty("webSocket").GetProperty("messagesFromServer").GetInt64());
    }

    [Fact]
    public async Task Inspector_KeepsWorkingWhenTheEdgeIsGone()
    {
        using var posted = await _visitor.PostAsync(_url + "/echo", new StringContent("offline"), Ct);
        using var original = await DetailAsync("/echo");

        await _edge.StopAsync();

        using var list = JsonDocument.Parse(await _api.GetStringAsync("/api/requests", Ct));
        Assert.Equal(1, list.RootElement.GetProperty("total").GetInt32());
        using var replayed = await _api.PostAsync($"/api/requests/{Id(original)}/replay", null, Ct);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        using var replay = JsonDocument.Parse(await replayed.Content.ReadAsStringAsync(Ct));
        Assert.Equal("offline", replay.RootElement.GetProperty("response").GetProperty("body").GetProperty("text").GetString());
    }

    /// <summary>The newest captured exchange with this target, once its response is complete.</summary>
    private async Task<JsonDocument> DetailAsync(string target)
    {
        string? id = null;
        await Eventually.TrueAsync(
            async () =>
            {
                using var list = JsonDocument.Parse(await _api.GetStringAsync("/api/requests", Ct));
                id = list.RootElement.GetProperty("requests").EnumerateArray()
                    .Where(r => r.GetProperty("target").GetString() == target && r.GetProperty("state").GetString() is "complete" or "upgraded")
                    .Select(r => r.GetProperty("id").GetString())
                    .FirstOrDefault();
                return id is not null;
            },
            $"the inspector shows {target}",
            cancellationToken: Ct);
        return JsonDocument.Parse(await _api.GetStringAsync($"/api/requests/{id}", Ct));
    }

    private static string Id(JsonDocument detail) => detail.RootElement.GetProperty("id").GetString()!;

    private void DrainSeen()
    {
        while (_origin.Seen.Reader.TryRead(out _))
        {
        }
    }
}
