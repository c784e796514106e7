using System.Net;
using System.Text;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Edge.Inspection;
using Fdt.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.IntegrationTests.Inspection;

/// <summary>Hands exchanges to the server's capture sink (as the edge does) and waits until they are stored.</summary>
internal static class Captures
{
    public static async Task<Guid> SubmitAsync(
        ApiFactory factory, Guid teamId, string tunnel = "shop", string method = "POST", string target = "/hooks/stripe?attempt=1", int status = 200,
        string? requestBody = null, string requestType = "application/json", byte[]? responseBody = null, string responseType = "application/octet-stream",
        DateTimeOffset? receivedAt = null, IEnumerable<KeyValuePair<string, string>>? extraHeaders = null, int? bodyLimit = null)
    {
        var sink = factory.Services.GetRequiredService<ICaptureSink>();
        var capture = new ExchangeCapture
        {
            Id = Guid.CreateVersion7(),
            TunnelId = "t" + tunnel,
            TunnelName = tunnel,
            OwnerId = teamId.ToString("D"),
            Method = method,
            Target = target,
            Host = $"{tunnel}.localhost:8080",
            Scheme = "http",
            ClientAddress = IPAddress.Parse("203.0.113.7"),
            ReceivedAt = receivedAt ?? DateTimeOffset.UtcNow,
            RequestHeaders = [new("Content-Type", requestType), new("Authorization", "[redacted]"), .. extraHeaders ?? []],
            RequestBody = new CaptureBuffer(bodyLimit ?? sink.BodyLimit),
            ResponseBody = new CaptureBuffer(bodyLimit ?? sink.BodyLimit),
            Status = status,
            ResponseHeaders = [new("Content-Type", responseType)],
            FirstByte = TimeSpan.FromMilliseconds(4),
            Duration = TimeSpan.FromMilliseconds(9),
        };
        capture.RequestBody.Append(Encoding.UTF8.GetBytes(requestBody ?? string.Empty));
        capture.ResponseBody.Append(responseBody ?? []);
        sink.Submit(capture);
        await Eventually.TrueAsync(
            () => IdentityApi.DbAsync(factory, db => db.CapturedRequests.AnyAsync(r => r.Id == capture.Id, TestContext.Current.CancellationToken)),
            "the capture was not stored", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        return capture.Id;
    }
}
