using Fdt.Agent.Inspection.Export;

namespace Fdt.Agent.Tests.Inspection.Export;

public sealed class CurlExporterTests
{
    [Fact]
    public void Create_PostWithQuotes_TargetsPublicUrlWithoutEdgeHeaders()
    {
        var store = Captures.Store();
        var exchange = Captures.Exchange(
            store,
            "POST /say HTTP/1.1\r\nHost: demo.localhost:8080\r\nContent-Type: text/plain\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: demo.example.com\r\nContent-Length: 9\r\n\r\nit's \"ok\"",
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        var curl = CurlExporter.Create(exchange);

        Assert.Equal(
            "curl -X 'POST' 'https://demo.example.com/say' \\\n  -H 'Content-Type: text/plain' \\\n  --data-binary 'it'\\''s \"ok\"'\n",
            curl);
    }

    [Fact]
    public void Create_GetWithoutForwardedHost_UsesTunnelUrl()
    {
        var store = Captures.Store();
        var exchange = Captures.Exchange(store, "GET /a?b=c HTTP/1.1\r\nAccept: */*\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n");

        Assert.Equal("curl 'http://demo.localhost:8080/a?b=c' \\\n  -H 'Accept: */*'\n", CurlExporter.Create(exchange));
    }

    [Fact]
    public void Create_BinaryBody_PipesBase64()
    {
        var store = Captures.Store();
        var exchange = Captures.Exchange(store, Captures.Message("PUT /blob HTTP/1.1", [0, 1, 2, 255]), "HTTP/1.1 204 No Content\r\n\r\n"u8.ToArray());

        var curl = CurlExporter.Create(exchange);

        Assert.StartsWith("printf '%s' 'AAEC/w==' | base64 --decode | curl -X 'PUT' 'http://demo.localhost:8080/blob'", curl, StringComparison.Ordinal);
        Assert.EndsWith("--data-binary @-\n", curl, StringComparison.Ordinal);
    }
}
