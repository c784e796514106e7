using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fdt.Cli.Tests;

/// <summary>
/// The other end of one HTTP/1.1 connection on 127.0.0.1:0: it records the request head as sent on
/// the wire and writes a fixed answer. For what no FDT server can be made to do (oversized answers)
/// and for checking the exact request fdt sends.
/// </summary>
internal sealed class RawHttpPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Task<string> _serve;

    private RawHttpPeer(TcpListener listener, string response)
    {
        _listener = listener;
        _serve = ServeAsync(response);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>The request line and headers, up to the blank line.</summary>
    public Task<string> RequestHead => _serve;

    public static RawHttpPeer Start(string response)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new RawHttpPeer(listener, response);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serve.ContinueWith(static _ => { }, TaskScheduler.Default);
        _listener.Dispose();
    }

    private async Task<string> ServeAsync(string response)
    {
        using var socket = await _listener.AcceptSocketAsync(TestContext.Current.CancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), TestContext.Current.CancellationToken);
        await stream.FlushAsync(TestContext.Current.CancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        return head.ToString();
    }
}
