using System.Text;
using System.Text.Json;
using Fdt.Agent.Inspection.Export;

namespace Fdt.Agent.Tests.Inspection.Export;

public sealed class HarExporterTests
{
    [Fact]
    public void Serialize_JsonExchange_ParsesBackAsHar12()
    {
        var store = Captures.Store();
        var exchange = Captures.Exchange(
            store,
            "POST /hooks?event=push&n=2 HTTP/1.1\r\nHost: demo.localhost:8080\r\nCookie: a=1; b=2\r\nContent-Type: application/json\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: demo.localhost:8080\r\nContent-Length: 8\r\n\r\n{\"n\": 2}",
            "HTTP/1.1 302 Found\r\nLocation: /done\r\nSet-Cookie: s=xyz; Path=/; HttpOnly\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");

        using var har = JsonDocument.Parse(HarExporter.Serialize(HarExporter.Create(exchange, "1.2.3")));

        var log = har.RootElement.GetProperty("log");
        Assert.Equal("1.2", log.GetProperty("version").GetString());
        Assert.Equal("fdt", log.GetProperty("creator").GetProperty("name").GetString());
        var entry = Assert.Single(log.GetProperty("entries").EnumerateArray());
        Assert.True(DateTimeOffset.TryParse(entry.GetProperty("startedDateTime").GetString(), out _));
        Assert.Equal(JsonValueKind.Object, entry.GetProperty("cache").ValueKind);
        Assert.True(entry.GetProperty("timings").GetProperty("wait").GetDouble() >= 0);
        var request = entry.GetProperty("request");
        Assert.Equal("POST", request.GetProperty("method").GetString());
        Assert.Equal("http://demo.localhost:8080/hooks?event=push&n=2", request.GetProperty("url").GetString());
        Assert.Equal("HTTP/1.1", request.GetProperty("httpVersion").GetString());
        Assert.Equal(["event=push", "n=2"], request.GetProperty("queryString").EnumerateArray().Select(q => $"{q.GetProperty("name").GetString()}={q.GetProperty("value").GetString()}"));
        Assert.Equal(["a", "b"], request.GetProperty("cookies").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Contains(request.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Content-Type" && h.GetProperty("value").GetString() == "application/json");
        Assert.Equal("{\"n\": 2}", request.GetProperty("postData").GetProperty("text").GetString());
        Assert.Equal("application/json", request.GetProperty("postData").GetProperty("mimeType").GetString());
        Assert.Equal(8, request.GetProperty("bodySize").GetInt64());
        var response = entry.GetProperty("response");
        Assert.Equal(302, response.GetProperty("status").GetInt32());
        Assert.Equal("Found", response.GetProperty("statusText").GetString());
        Assert.Equal("/done", response.GetProperty("redirectURL").GetString());
        Assert.Equal("s", response.GetProperty("cookies")[0].GetProperty("name").GetString());
        Assert.Equal("ok", response.GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(2, response.GetProperty("content").GetProperty("size").GetInt64());
    }

    [Fact]
    public void Create_BinaryAndFormBodies_UseBase64AndParams()
    {
        var store = Captures.Store();
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G'];
        var exchange = Captures.Exchange(
            store,
            Encoding.ASCII.GetBytes("POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 21\r\n\r\nuser=ann&pass=a%26b+c"),
            Captures.Message("HTTP/1.1 200 OK\r\nContent-Type: image/png", png));

        var entry = HarExporter.Create(exchange, "0.1.0").Log.Entries[0];

        Assert.Equal(["user=ann", "pass=a&b c"], entry.Request.PostData!.Params!.Select(p => $"{p.Name}={p.Value}"));
        Assert.Equal("base64", entry.Response.Content.Encoding);
        Assert.Equal(png, Convert.FromBase64String(entry.Response.Content.Text!));
    }

    [Fact]
    public void Create_PendingExchange_HasEmptyResponse()
    {
        var store = Captures.Store();
        var observer = Captures.Observer(store);
        observer.Requests.Feed("GET /wait HTTP/1.1\r\n\r\n"u8);

        var entry = HarExporter.Create(observer.LastRequestCapture!, "0.1.0").Log.Entries[0];

        Assert.Equal(0, entry.Response.Status);
        Assert.Equal("/wait", entry.Request.Url[^5..]);
    }
}
