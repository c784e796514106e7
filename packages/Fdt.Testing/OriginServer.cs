using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fdt.Testing;

/// <summary>
/// The "local service" behind a tunnel in tests: a real Kestrel server on 127.0.0.1:0 with
/// endpoints for each kind of traffic a tunnel must carry.
/// </summary>
public sealed class OriginServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OriginServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The local address to give an agent.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Released by the test to let <c>/sse</c> write its next event.</summary>
    public Channel<bool> SseGate { get; } = Channel.CreateUnbounded<bool>();

    /// <summary>Requests seen by the origin (path and query).</summary>
    public Channel<string> Seen { get; } = Channel.CreateUnbounded<string>();

    /// <summary>Deterministic pseudo-random content of <paramref name="length"/> bytes (what <c>/download</c> sends).</summary>
    public static byte[] Content(long length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static async Task<OriginServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.UseWebSockets();
        OriginServer? self = null;

        app.MapGet("/hello", () => Results.Text("hello from origin"));
        app.MapGet("/headers", (HttpContext context) =>
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            return Results.Text(JsonSerializer.Serialize(headers), "application/json");
        });
        app.MapPost("/sha256", async (HttpContext context) =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
            }

            context.Response.Headers["X-Body-Length"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.WriteAsync(Convert.ToHexString(sha.GetHashAndReset()), context.RequestAborted);
        });
        app.MapPost("/echo", async (HttpContext context) =>
        {
            context.Response.ContentType = context.Request.ContentType ?? "application/octet-stream";
            await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        app.MapGet("/download", async (HttpContext context, long size, int? seed) =>
        {
            var content = Content(size, seed ?? 7);
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = size;
            for (var offset = 0; offset < content.Length; offset += 64 * 1024)
            {
                await context.Response.Body.WriteAsync(content.AsMemory(offset, Math.Min(64 * 1024, content.Length - offset)), context.RequestAborted);
            }
        });
        app.MapGet("/sse", async (HttpContext context, int count) =>
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.FlushAsync(context.RequestAborted);
            for (var i = 0; i < count; i++)
            {
                // Each event waits until the test has received the previous one.
                await self!.SseGate.Reader.ReadAsync(context.RequestAborted);
                await context.Response.WriteAsync($"id: {i}\ndata: event {i}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        app.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
            }
        });
        app.MapFallback(async (HttpContext context) =>
        {
            await context.Response.WriteAsync("origin " + context.Request.Method + " " + context.Request.Path, context.RequestAborted);
        });
        app.Use(async (context, next) =>
        {
            self?.Seen.Writer.TryWrite(context.Request.Path + context.Request.QueryString);
            await next(context);
        });

        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        self = new OriginServer(app, new Uri(address).Port);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
