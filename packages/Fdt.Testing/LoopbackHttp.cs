using System.Net;
using System.Net.Sockets;

namespace Fdt.Testing;

/// <summary>
/// HTTP clients for tests whose requests go to 127.0.0.1:port whatever the URL's host, so that
/// <c>http://NAME.localhost:PORT/</c> works without DNS (the Host header stays as in the URL).
/// </summary>
public static class LoopbackHttp
{
    public static SocketsHttpHandler CreateHandler(int port) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static HttpClient CreateClient(int port, TimeSpan? timeout = null) => new(CreateHandler(port), disposeHandler: true)
    {
        Timeout = timeout ?? TimeSpan.FromSeconds(60),
    };
}
