using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Fdt.Agent.Events;
using Fdt.Testing;

namespace Fdt.Edge.IntegrationTests;

/// <summary>HTTP traffic of every kind through a real edge, agent and origin on loopback.</summary>
public sealed class HttpTunnelTests : IAsyncLifetime
{
    private EdgeTestHost _edge = null!;
    private OriginServer _origin = null!;
    private AgentHarness _agent = null!;
    private HttpClient _visitor = null!;
    private string _url = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        _origin = await OriginServer.StartAsync(Ct);
        _agent = AgentHarness.Start(_edge.ServerUrl, _origin.Address);
        _url = (await _agent.WaitForTunnelAsync()).Urls[0];
        _visitor = _edge.CreateVisitor();
    }

    public async ValueTask DisposeAsync()
    {
        _visitor.Dispose();
        await _agent.DisposeAsync();
        await _origin.DisposeAsync();
        await _edge.DisposeAsync();
    }

    [Fact]
    public async Task Get_ThroughTunnel_ReturnsOriginResponse()
    {
        Assert.Matches(@"^http://[a-z][a-z2-9]{7}\.localhost:\d+$", _url);
        using var response = await _visitor.GetAsync(_url + "/hello", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello from origin", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Post_FiftyMegabytes_ChecksumMatchesBothWays()
    {
        const int Size = 50 * 1024 * 1024;
        var upload = RandomNumberGenerator.GetBytes(Size);
        using var content = new ByteArrayContent(upload);
        using var posted = await _visitor.PostAsync(_url + "/sha256", content, Ct);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(upload)), await posted.Content.ReadAsStringAsync(Ct));
        Assert.Equal(Size.ToString(System.Globalization.CultureInfo.InvariantCulture), posted.Headers.GetValues("X-Body-Length").Single());

        using var downloaded = await _visitor.GetAsync(_url + $"/download?size={Size}&seed=3", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(Size, downloaded.Content.Headers.ContentLength);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var body = await downloaded.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, Ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            total += read;
        }

        Assert.Equal(Size, total);
        Assert.Equal(SHA256.HashData(OriginServer.Content(Size, 3)), sha.GetHashAndReset());

        // On a plain-TCP connection the agent sends bulk payload straight from its read buffer.
        Assert.True(_agent.Agent.GatheredWrites > 0, "the agent copied every write of the download");
    }

    [Fact]
    public async Task Post_ChunkedUploadOfUnknownLength_StreamsThrough()
    {
        var chunks = Enumerable.Range(0, 40).Select(i => RandomNumberGenerator.GetBytes(100_000 + i)).ToArray();
        using var content = new PushStreamContent(async stream =>
        {
            foreach (var chunk in chunks)
            {
                await stream.WriteAsync(chunk, Ct);
                await stream.FlushAsync(Ct);
            }
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, _url + "/sha256") { Content = content };
        using var response = await _visitor.SendAsync(request, Ct);
        Assert.True(request.Headers.TransferEncodingChunked ?? content.Headers.ContentLength is null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(chunks.SelectMany(c => c).ToArray())), await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task WebSocket_Echo_WorksThroughTunnel()
    {
        using var socket = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(LoopbackHttp.CreateHandler(_edge.Port));
        await socket.ConnectAsync(new Uri(_url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"), invoker, Ct);
        var buffer = new byte[256 * 1024];
        for (var i = 0; i < 20; i++)
        {
            var message = RandomNumberGenerator.GetBytes(i * 10_000 + 1);
            await socket.SendAsync(message, WebSocketMessageType.Binary, true, Ct);
            var received = 0;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(received), Ct);
                received += result.Count;
                if (result.EndOfMessage)
                {
                    break;
                }
            }

            Assert.Equal(message, buffer[..received]);
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task ServerSentEvents_EachEventArrivesBeforeTheNextIsWritten()
    {
        using var response = await _visitor.GetAsync(_url + "/sse?count=5", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        for (var i = 0; i < 5; i++)
        {
            // The origin writes event i only after this gate opens, and event i+1 only after we
            // have read event i: a buffering proxy would deadlock here.
            await _origin.SseGate.Writer.WriteAsync(true, Ct);
            Assert.Equal($"id: {i}", await reader.ReadLineAsync(Ct));
            Assert.Equal($"data: event {i}", await reader.ReadLineAsync(Ct));
            Assert.Equal(string.Empty, await reader.ReadLineAsync(Ct));
        }
    }

    [Fact]
    public async Task ConcurrentRequests_TwoHundredOverOneAgent_AllSucceed()
    {
        var requests = Enumerable.Range(0, 200).Select(async i =>
        {
            using var content = new StringContent($"request {i}");
            using var response = await _visitor.PostAsync(_url + "/echo", content, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync(Ct);
        });
        var bodies = await Task.WhenAll(requests);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"request {i}"), bodies);
        Assert.Single(_edge.Sessions.Sessions);
    }

    [Fact]
    public async Task Http2Visitor_PriorKnowledge_IsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url + "/hello") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await _visitor.SendAsync(request, Ct);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("hello from origin", await response.Content.ReadAsStringAsync(Ct));

        using var upload = new ByteArrayContent(RandomNumberGenerator.GetBytes(3_000_000));
        var expected = Convert.ToHexString(SHA256.HashData(await upload.ReadAsByteArrayAsync(Ct)));
        using var post = new HttpRequestMessage(HttpMethod.Post, _url + "/sha256") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = upload };
        using var posted = await _visitor.SendAsync(post, Ct);
        Assert.Equal(expected, await posted.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Headers_HostKeptForwardedAddedHopByHopRemoved()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url + "/headers");
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Custom", "kept");
        request.Headers.Add("X-Hop", "dropped");
        request.Headers.Connection.Add("X-Hop");
        request.Headers.Add("Keep-Alive", "timeout=5");
        using var response = await _visitor.SendAsync(request, Ct);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(new Uri(_url).Authority, headers["host"]);
        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]); // the visitor's claim is not believed by default
        Assert.Equal("http", headers["x-forwarded-proto"]);
        Assert.Equal(new Uri(_url).Authority, headers["x-forwarded-host"]);
        Assert.Equal("kept", headers["x-custom"]);
        Assert.False(headers.ContainsKey("x-hop"));
        Assert.False(headers.ContainsKey("keep-alive"));
    }

    [Fact]
    public async Task AgentReportsEachRequest_WithMethodPathStatusAndDuration()
    {
        using var response = await _visitor.GetAsync(_url + "/status/418?x=1", Ct);
        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        var seen = await _agent.WaitForAsync<RequestEvent>(e => e.Exchange.Target == "/status/418?x=1");
        Assert.Equal("GET", seen.Exchange.Method);
        Assert.Equal(418, seen.Exchange.Status);
        Assert.True(seen.Exchange.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task UnknownName_Gets404PageWithCode()
    {
        var port = new Uri(_url).Port;
        using var response = await _visitor.GetAsync($"http://nosuchtunnel.localhost:{port}/", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ERR_FDT_1001", response.Headers.GetValues("Fdt-Error-Code").Single());
        Assert.Contains("ERR_FDT_1001", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task ErrorPage_AsJson_WhenTheVisitorAsksForJson()
    {
        var port = new Uri(_url).Port;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://nosuchtunnel.localhost:{port}/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _visitor.SendAsync(request, Ct);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("ERR_FDT_1001", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>Content written by a callback, of unknown length (sent chunked).</summary>
    private sealed class PushStreamContent(Func<Stream, Task> write) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => write(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
