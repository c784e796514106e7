using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Fdt.Protocol.Mux;
using Fdt.Testing;

namespace Fdt.Protocol.IntegrationTests;

/// <summary>FDT's multiplexer against the reference Go implementation, in both roles.</summary>
public sealed class GoYamuxInteropTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(256 * 1024)]
    [InlineData(4 * 1024 * 1024)]
    public async Task GoServer_FdtClient_StreamsEchoBothWays(int goWindow)
    {
        var binary = await GoYamuxPeer.GetBinaryAsync(Ct);
        await using var peer = TestProcess.Start(binary, ["-mode", "server", "-addr", "127.0.0.1:0", "-reverse", "20", "-size", "100000", "-window", goWindow.ToString()]);
        var listening = await peer.WaitForLineAsync(l => l.StartsWith("LISTENING ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), Ct);
        var endpoint = IPEndPoint.Parse(listening["LISTENING ".Length..]);

        using var client = new TcpClient();
        await client.ConnectAsync(endpoint, Ct);
        client.NoDelay = true;
        var session = MuxSession.StartClient(client.GetStream(), new MuxOptions { KeepAliveInterval = TimeSpan.FromSeconds(1) });

        // Streams the Go server opens back to us are echoed.
        var reverseEchoes = Task.Run(async () =>
        {
            var echoes = new List<Task>();
            for (var i = 0; i < 20; i++)
            {
                var stream = await session.AcceptStreamAsync(Ct);
                echoes.Add(EchoAsync(stream));
            }

            await Task.WhenAll(echoes);
        }, Ct);

        var rtt = await session.PingAsync(Ct);
        Assert.True(rtt > TimeSpan.Zero);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => SendAndVerifyEchoAsync(session, 200_000 + (i * 1000))));

        await reverseEchoes;
        await peer.WaitForLineAsync(l => l == "REVERSE OK", TimeSpan.FromSeconds(30), Ct);
        await session.CloseAsync();
        await peer.WaitForLineAsync(l => l == "DONE", TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, await peer.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.DoesNotContain("FAIL", peer.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(256 * 1024)]
    [InlineData(4 * 1024 * 1024)]
    public async Task GoClient_FdtServer_StreamsEcho(int goWindow)
    {
        var binary = await GoYamuxPeer.GetBinaryAsync(Ct);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        await using var peer = TestProcess.Start(binary, ["-mode", "client", "-addr", $"127.0.0.1:{port}", "-streams", "100", "-size", "300000", "-window", goWindow.ToString()]);
        using var connection = await listener.AcceptTcpClientAsync(Ct);
        connection.NoDelay = true;
        var session = MuxSession.StartServer(connection.GetStream());
        var echoes = new List<Task>();
        var serve = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var stream = await session.AcceptStreamAsync(Ct);
                    echoes.Add(EchoAsync(stream));
                }
            }
            catch (MuxSessionClosedException)
            {
            }
        }, Ct);

        var exit = await peer.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.True(exit == 0, peer.Output);
        Assert.Contains("OK 100 streams", peer.Output, StringComparison.Ordinal);
        var reason = await session.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // The peer exits once it has verified everything; if our last window updates were still
        // unread in its socket, the kernel resets the connection. Any end but a protocol fault is fine.
        Assert.True(reason.Kind is MuxCloseKind.RemoteClose or MuxCloseKind.TransportClosed or MuxCloseKind.TransportError, reason.ToString());
        await serve;

        // The peer verified every echo before it exited; an echo still closing its stream when
        // the peer hung up ends with the session's error, which is not a failure here.
        foreach (var echo in echoes)
        {
            await echo.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }

    private static async Task EchoAsync(MuxStream stream)
    {
        await stream.CopyToAsync(stream, Ct);
        stream.CloseWrite();
    }

    private static async Task SendAndVerifyEchoAsync(MuxSession session, int size)
    {
        var stream = await session.OpenStreamAsync(Ct);
        var payload = RandomNumberGenerator.GetBytes(size);
        var reader = Task.Run(async () =>
        {
            using var echoed = new MemoryStream();
            await stream.CopyToAsync(echoed, Ct);
            return echoed.ToArray();
        }, Ct);
        await stream.WriteAsync(payload, Ct);
        stream.CloseWrite();
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(await reader));
        await stream.DisposeAsync();
    }
}
