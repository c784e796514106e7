using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Fdt.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fdt.EndToEnd.Tests;

/// <summary>
/// OTLP trace export: the built server, with Tracing:OtlpEndpoint set, sends the span of a tunnel
/// request (with the ids the local service got in traceparent) to an OTLP/HTTP receiver.
/// </summary>
public sealed class TracingEndToEndTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-trace-{Guid.NewGuid():N}");
    private readonly ConcurrentQueue<byte[]> _exports = new();
    private WebApplication _receiver = null!;
    private OriginServer _origin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _receiver = builder.Build();

        // OTLP/HTTP: protobuf ExportTraceServiceRequest bodies POSTed to /v1/traces.
        _receiver.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            _exports.Enqueue(body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        });
        await _receiver.StartAsync(Ct);
        _origin = await OriginServer.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _origin.DisposeAsync();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task TunnelRequestSpan_IsExportedWithTheIdsTheLocalServiceGot()
    {
        const string token = "trace-token-0123456789";
        var receiver = _receiver.Urls.First();
        await using var server = await ServerProcess.StartAsync(_dataDirectory, token, extra: [$"--Tracing:OtlpEndpoint={receiver}", "--Tracing:BatchDelay=00:00:00.2"]);
        await using var agent = AgentProcess.Start(server.Url, _origin.Address, token);
        var url = await agent.WaitForUrlAsync();
        using var visitor = server.CreateVisitor();
        using var request = new HttpRequestMessage(HttpMethod.Get, url + "/headers");
        request.Headers.TryAddWithoutValidation("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        using var response = await visitor.SendAsync(request, Ct);
        var seen = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync(Ct))!;
        var traceparent = seen["traceparent"].Split('-');

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", traceparent[1]);
        var traceId = Convert.FromHexString(traceparent[1]);
        var spanId = Convert.FromHexString(traceparent[2]);
        await Eventually.TrueAsync(
            () => _exports.Any(body => Contains(body, traceId) && Contains(body, spanId) && Contains(body, "tunnel.request"u8.ToArray())),
            "no exported span carries the trace and span ids the local service got", TimeSpan.FromSeconds(20), Ct);
        Assert.Contains(_exports, body => Contains(body, "fdt-server"u8.ToArray()) && Contains(body, Encoding.UTF8.GetBytes(new Uri(url).Host.Split('.')[0])));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
