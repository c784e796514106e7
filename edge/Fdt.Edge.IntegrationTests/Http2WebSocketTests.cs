using System.Net;
using System.Net.WebSockets;
using Fdt.Testing;

namespace Fdt.Edge.IntegrationTests;

/// <summary>WebSockets over HTTP/2 (RFC 8441 extended CONNECT) from visitors reach an HTTP/1.1 local service.</summary>
public sealed class Http2WebSocketTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Http2WebSocket_IsCarriedToTheLocalServiceAsAnHttp11Upgrade()
    {
        await using var tunnel = await TestTunnel.StartAsync();
        using var invoker = new HttpMessageInvoker(LoopbackHttp.CreateHandler(tunnel.Edge.Port));
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;

        await socket.ConnectAsync(new Uri(tunnel.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"), invoker, Ct);
        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal(HttpStatusCode.OK, socket.HttpStatusCode);

        var buffer = new byte[64];
        for (var i = 0; i < 3; i++)
        {
            var text = System.Text.Encoding.UTF8.GetBytes($"message {i}");
            await socket.SendAsync(text, WebSocketMessageType.Text, true, Ct);
            var received = await socket.ReceiveAsync(buffer, Ct);
            Assert.Equal(text, buffer[..received.Count]);
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", Ct);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }
}
