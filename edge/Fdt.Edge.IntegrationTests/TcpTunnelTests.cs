using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Fdt.Agent;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Fdt.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Edge.IntegrationTests;

/// <summary>TCP tunnels through a real edge and agent to a raw TCP service on loopback.</summary>
public sealed class TcpTunnelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BulkTransfer_BothWaysWithHalfClose_ArrivesIntact()
    {
        await using var origin = HashingOrigin.Start();
        var port = FreePort();
        await using var edge = await StartEdgeAsync(port);
        await using var agent = StartTcpAgent(edge, origin.Port);
        var started = await agent.WaitForTunnelAsync();
        Assert.Equal($"tcp://localhost:{port}", started.Urls[0]);
        Assert.Equal(TunnelNames.ForTcpPort(port), started.Name);

        // 4 MiB up; the origin answers only after our half-close, with a digest and 3 MiB of its own.
        var upload = RandomNumberGenerator.GetBytes(4 * 1024 * 1024);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, Ct);
        var stream = client.GetStream();
        await stream.WriteAsync(upload, Ct);
        client.Client.Shutdown(SocketShutdown.Send);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, Ct);

        var reply = received.ToArray();
        Assert.Equal(32 + 8 + HashingOrigin.ReplyLength, reply.Length);
        Assert.Equal(SHA256.HashData(upload), reply[..32]);
        Assert.Equal(upload.Length, BinaryPrimitives.ReadInt64BigEndian(reply.AsSpan(32, 8)));
        Assert.Equal(origin.ReplyDigest, SHA256.HashData(reply.AsSpan(40)));
        var binding = Assert.Single(edge.Tunnels.Bindings);
        Assert.Equal(1, binding.Requests);
        await Eventually.TrueAsync(() => binding.BytesIn == upload.Length && binding.BytesOut == reply.Length, "the edge did not count the bytes", cancellationToken: Ct);
    }

    [Fact]
    public async Task AgentGone_ConnectionsAreRefusedAtOnce()
    {
        await using var origin = HashingOrigin.Start();
        var port = FreePort();
        await using var edge = await StartEdgeAsync(port);
        var agent = StartTcpAgent(edge, origin.Port);
        await agent.WaitForTunnelAsync();

        await agent.DisposeAsync();

        await Eventually.TrueAsync(() => edge.Tunnels.Count == 0, "the tunnel did not end", cancellationToken: Ct);
        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(IPAddress.Loopback, port, Ct));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task ConnectionLimit_ResetsTheConnectionOverTheLimit()
    {
        await using var origin = HashingOrigin.Start();
        var port = FreePort();
        await using var edge = await StartEdgeAsync(port, ("Edge:MaxConnectionsPerTunnel", "2"));
        await using var agent = StartTcpAgent(edge, origin.Port);
        await agent.WaitForTunnelAsync();
        var listeners = edge.Services.GetRequiredService<Tcp.TcpTunnelListeners>();
        var tunnelId = Assert.Single(edge.Tunnels.Bindings).Id;

        using var first = new TcpClient();
        using var second = new TcpClient();
        await first.ConnectAsync(IPAddress.Loopback, port, Ct);
        await second.ConnectAsync(IPAddress.Loopback, port, Ct);
        await Eventually.TrueAsync(() => listeners.ConnectionCount(tunnelId) == 2, "two connections are not carried", cancellationToken: Ct);
        using var third = new TcpClient();

        // The reset can reach the client while it is still completing its connect.
        try
        {
            await third.ConnectAsync(IPAddress.Loopback, port, Ct);
            Assert.Equal(-1, await ReadToEndOrResetAsync(third));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        Assert.Equal(2, listeners.ConnectionCount(tunnelId));
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        await using var origin = HashingOrigin.Start();
        var port = FreePort();
        await using var edge = await StartEdgeAsync(port, ("Edge:TcpIdleTimeout", "00:00:00.500"));
        await using var agent = StartTcpAgent(edge, origin.Port);
        await agent.WaitForTunnelAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, Ct);

        Assert.Equal(-1, await ReadToEndOrResetAsync(client));
    }

    [Theory]
    [InlineData(TunnelProtocol.Tcp, "tcp-1", ErrorCodes.PortUnavailable)]
    [InlineData(TunnelProtocol.Tcp, "myapp", ErrorCodes.PortUnavailable)]
    [InlineData(TunnelProtocol.Http, "tcp-20001", ErrorCodes.InvalidName)]
    public async Task BadRequests_AreRefusedWithACode(TunnelProtocol protocol, string name, string code)
    {
        await using var edge = await StartEdgeAsync(FreePort());
        await using var agent = AgentHarness.Start(edge.ServerUrl, "127.0.0.1:9", configure: o => o with
        {
            Tunnels = [new TunnelDefinition { Protocol = protocol, Target = o.Tunnels[0].Target, Name = name }],
        });

        var refused = await Assert.ThrowsAsync<AgentException>(() => agent.Run);
        Assert.Equal(code, refused.Code);
    }

    [Fact]
    public async Task EdgeWithoutTcpPorts_RefusesTcpTunnels()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var agent = StartTcpAgent(edge, 9);

        var refused = await Assert.ThrowsAsync<AgentException>(() => agent.Run);
        Assert.Equal(ErrorCodes.ProtocolNotSupported, refused.Code);
    }

    private static Task<EdgeTestHost> StartEdgeAsync(int tcpPort, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Edge:TcpPorts"] = $"{tcpPort}-{tcpPort}" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return EdgeTestHost.StartAsync(values, cancellationToken: Ct);
    }

    private static AgentHarness StartTcpAgent(EdgeTestHost edge, int originPort)
        => AgentHarness.Start(edge.ServerUrl, originPort.ToString(CultureInfo.InvariantCulture), configure: o => o with
        {
            Tunnels = [new TunnelDefinition { Protocol = TunnelProtocol.Tcp, Target = o.Tunnels[0].Target }],
        });

    /// <summary>Reads until the connection ends: the bytes read, or -1 when it was reset.</summary>
    private static async Task<int> ReadToEndOrResetAsync(TcpClient client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var buffer = new byte[1024];
        var total = 0;
        try
        {
            while (true)
            {
                var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return total == 0 ? -1 : total;
                }

                total += read;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return -1;
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// A raw TCP service: reads a connection to its end, then answers with the SHA-256 and length
    /// of what it read, followed by <see cref="ReplyLength"/> random bytes, and closes.
    /// </summary>
    private sealed class HashingOrigin : IAsyncDisposable
    {
        public const int ReplyLength = 3 * 1024 * 1024;

        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly byte[] _reply = RandomNumberGenerator.GetBytes(ReplyLength);
        private readonly CancellationTokenSource _stop = new();
        private Task _accept = Task.CompletedTask;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public byte[] ReplyDigest => SHA256.HashData(_reply);

        public static HashingOrigin Start()
        {
            var origin = new HashingOrigin();
            origin._listener.Start();
            origin._accept = origin.AcceptAsync();
            return origin;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accept.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var buffer = new byte[64 * 1024];
                    long length = 0;
                    int read;
                    while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        length += read;
                    }

                    var header = new byte[40];
                    hash.GetHashAndReset().CopyTo(header, 0);
                    BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(32), length);
                    await stream.WriteAsync(header, _stop.Token);
                    await stream.WriteAsync(_reply, _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                {
                }
            }
        }
    }
}
