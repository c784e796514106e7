using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fdt.Agent.Inspection;
using Fdt.Agent.Inspection.Replay;
using Fdt.Agent.Inspection.Web;

namespace Fdt.Agent.Tests.Inspection.Web;

/// <summary>The inspector on real Kestrel at 127.0.0.1 (port 0 unless a test needs a taken one).</summary>
public sealed class InspectorServerTests : IAsyncLifetime
{
    private readonly CaptureStore _store = Captures.Store();
    private InspectorServer _server = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await StartAsync(new InspectorAddress("127.0.0.1", 0), 0);
        _client = new HttpClient { BaseAddress = _server.Url };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Page_IsServedWithItsScriptAndASecurityPolicy()
    {
        using var page = await _client.GetAsync("/", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        using var script = await _client.GetAsync("/app.js", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<script src=\"/app.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.Equal(InspectorServer.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self'", InspectorServer.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("EventSource('/api/events')", await script.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("localhost.attacker.example")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task Request_ForAnotherHost_IsRefused(string host)
    {
        Captures.Exchange(_store, "GET /secret HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/requests");
        request.Headers.Host = $"{host}:{_server.EndPoint.Port}";

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ForLocalhost_IsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/requests");
        request.Headers.Host = $"localhost:{_server.EndPoint.Port}";

        using var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Delete_WithoutOriginOrInspectorHeader_IsRefused()
    {
        Captures.Exchange(_store, "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n");

        using var response = await _client.DeleteAsync("/api/requests", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task PostAndDelete_FromAnotherOrigin_AreRefusedEvenWithTheHeader()
    {
        var exchange = Captures.Exchange(_store, "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n");
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/requests");
        delete.Headers.Add("Origin", "http://attacker.example");
        delete.Headers.Add(InspectorServer.CsrfHeader, "1");
        using var replay = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{exchange.Id}/replay");
        replay.Headers.Add("Origin", $"http://127.0.0.1:{_server.EndPoint.Port + 1}");

        using var deleted = await _client.SendAsync(delete, Ct);
        using var replayed = await _client.SendAsync(replay, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task Delete_FromTheInspectorsOwnOrigin_Clears()
    {
        Captures.Exchange(_store, "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n");
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/requests");
        delete.Headers.Add("Origin", $"http://localhost:{_server.EndPoint.Port}");

        using var response = await _client.SendAsync(delete, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task List_FiltersAndLimits_NewestFirst()
    {
        Captures.Exchange(_store, "GET /a HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Captures.Exchange(_store, "POST /b HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n");
        Captures.Exchange(_store, "GET /c HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        using var all = JsonDocument.Parse(await _client.GetStringAsync("/api/requests", Ct));
        using var errors = JsonDocument.Parse(await _client.GetStringAsync("/api/requests?status=5xx", Ct));
        using var gets = JsonDocument.Parse(await _client.GetStringAsync("/api/requests?method=GET&limit=1", Ct));
        using var path = JsonDocument.Parse(await _client.GetStringAsync("/api/requests?path=/A", Ct));
        using var bad = await _client.GetAsync("/api/requests?status=abc", Ct);

        Assert.Equal(["/c", "/b", "/a"], Targets(all));
        Assert.Equal(3, all.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(CaptureOptions.DefaultBodyLimit, all.RootElement.GetProperty("limits").GetProperty("bodyBytes").GetInt32());
        Assert.Equal(["/b"], Targets(errors));
        Assert.Equal(500, errors.RootElement.GetProperty("requests")[0].GetProperty("status").GetInt32());
        Assert.Equal(["/c"], Targets(gets));
        Assert.Equal(["/a"], Targets(path));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Detail_Bodies_AreShownByKind()
    {
        var json = Captures.Exchange(_store, "POST /j HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"a\":[1,\"b\"]}", "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\n\r\nh\u00e9l");
        var form = Captures.Exchange(_store, "POST /f HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\na=1&b=x+y%21", "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 3\r\n\r\n\u0001\u0002\u0003");

        using var first = JsonDocument.Parse(await _client.GetStringAsync($"/api/requests/{json.Id}", Ct));
        using var second = JsonDocument.Parse(await _client.GetStringAsync($"/api/requests/{form.Id}", Ct));
        using var missing = await _client.GetAsync("/api/requests/req_999", Ct);

        var request = first.RootElement.GetProperty("request").GetProperty("body");
        Assert.Equal("json", request.GetProperty("kind").GetString());
        Assert.Equal("{\n  \"a\": [\n    1,\n    \"b\"\n  ]\n}", request.GetProperty("text").GetString());
        Assert.Equal("text", first.RootElement.GetProperty("response").GetProperty("body").GetProperty("kind").GetString());
        Assert.Equal("h\u00e9l", first.RootElement.GetProperty("response").GetProperty("body").GetProperty("text").GetString());
        var formBody = second.RootElement.GetProperty("request").GetProperty("body");
        Assert.Equal("form", formBody.GetProperty("kind").GetString());
        Assert.Equal("x y!", formBody.GetProperty("form")[1].GetProperty("value").GetString());
        var binary = second.RootElement.GetProperty("response").GetProperty("body");
        Assert.Equal("binary", binary.GetProperty("kind").GetString());
        Assert.StartsWith("00000000  01 02 03", binary.GetProperty("hexHead").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task RawBody_IsAlwaysADownload()
    {
        var exchange = Captures.Exchange(_store, "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 25\r\n\r\n<script>alert(1)</script>");

        using var response = await _client.GetAsync($"/api/requests/{exchange.Id}/response/body", Ct);

        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("<script>alert(1)</script>", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Events_StreamNewExchanges()
    {
        using var response = await _client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct), Encoding.UTF8);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("retry: 1000", await reader.ReadLineAsync(Ct));

        var exchange = Captures.Exchange(_store, "GET /live HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        string? line;
        while ((line = await reader.ReadLineAsync(Ct)) != "event: added")
        {
            Assert.NotNull(line);
        }

        using var data = JsonDocument.Parse((await reader.ReadLineAsync(Ct))!["data: ".Length..]);
        Assert.Equal(exchange.Id, data.RootElement.GetProperty("id").GetString());
        Assert.Equal("/live", data.RootElement.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Start_PortTaken_MovesToOneOfTheNextPorts()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var server = await StartAsync(new InspectorAddress("127.0.0.1", port), fallbackPorts: 9);

        Assert.InRange(server.EndPoint.Port, port + 1, port + 9);
        Assert.Equal(new Uri($"http://127.0.0.1:{server.EndPoint.Port}"), server.Url);
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(server.Url, "/api/requests"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Start_PortTakenWithoutFallback_Throws()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InspectorUnavailableException>(() => StartAsync(new InspectorAddress("127.0.0.1", port), fallbackPorts: 0));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    private static string[] Targets(JsonDocument list)
        => [.. list.RootElement.GetProperty("requests").EnumerateArray().Select(r => r.GetProperty("target").GetString()!)];

    private Task<InspectorServer> StartAsync(InspectorAddress address, int fallbackPorts)
        => InspectorServer.StartAsync(address, fallbackPorts, _store, new ExchangeReplayer(_store, TimeSpan.FromSeconds(5)), "0.1.0", Ct);
}
