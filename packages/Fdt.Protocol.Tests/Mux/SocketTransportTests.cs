using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Fdt.Protocol.Mux;
using Fdt.Protocol.Transport;

namespace Fdt.Protocol.Tests.Mux;

/// <summary>
/// Sessions over real loopback sockets: large writes leave by one gathering send straight from
/// the caller's buffer, and waiting readers get payload copied straight into their buffers.
/// </summary>
public sealed class SocketTransportTests
{
    private static readonly int[] Sizes = [1, 100, FrameWriter.GatherThreshold - 1, FrameWriter.GatherThreshold, (100 * 1024) + 3, (1024 * 1024) + 5, 3 * 1024 * 1024];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MuxOptions NoKeepAlive => new() { EnableKeepAlive = false };

    [Fact]
    public async Task Writes_of_every_size_cross_a_socket_intact_both_ways_and_large_ones_are_not_copied()
    {
        var (clientSocket, serverSocket) = await ConnectedPairAsync();
        var client = MuxSession.StartClient(new NetworkStream(clientSocket, ownsSocket: true), NoKeepAlive);
        var server = MuxSession.StartServer(new NetworkStream(serverSocket, ownsSocket: true), NoKeepAlive);
        try
        {
            await ExchangeAsync(client, server);
            Assert.True(client.GatheredWrites >= Sizes.Count(s => s >= FrameWriter.GatherThreshold), $"client gathered {client.GatheredWrites} writes");
            Assert.True(server.GatheredWrites > 0, $"server gathered {server.GatheredWrites} writes");
        }
        finally
        {
            await client.CloseAsync();
            await server.CloseAsync();
        }
    }

    [Fact]
    public async Task An_upgraded_socket_stream_reads_through_the_client_stream_and_writes_to_the_socket()
    {
        var (clientSocket, serverSocket) = await ConnectedPairAsync();

        // Bytes the HTTP client read past the 101 response come first from its stream.
        var early = "early"u8.ToArray();
        await serverSocket.SendAsync(early, SocketFlags.None, Ct);
        var owner = new Disposable();
        var upgraded = new UpgradedSocketStream(new NetworkStream(clientSocket, ownsSocket: false), clientSocket, owner);
        var received = new byte[early.Length];
        await upgraded.ReadExactlyAsync(received, Ct);
        Assert.Equal(early, received);

        var client = MuxSession.StartClient(upgraded, NoKeepAlive);
        var server = MuxSession.StartServer(new NetworkStream(serverSocket, ownsSocket: true), NoKeepAlive);
        try
        {
            await ExchangeAsync(client, server);
            Assert.True(client.GatheredWrites > 0, "the upgraded stream's socket was not used for gathering sends");
        }
        finally
        {
            await client.CloseAsync();
            await server.CloseAsync();
        }

        Assert.True(owner.Disposed, "disposing the transport must dispose the handler that owns the connection");
    }

    [Fact]
    public async Task A_waiting_reader_gets_the_payload_in_its_own_buffer()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var (opened, accepted) = await OpenedStreamAsync(pair);

        var payload = RandomNumberGenerator.GetBytes(10_000);
        var buffer = new byte[64 * 1024];
        var read = accepted.ReadAsync(buffer, Ct);
        Assert.False(read.IsCompleted);
        await opened.WriteAsync(payload, Ct);
        var count = await read;
        var total = count;
        while (total < payload.Length)
        {
            total += await accepted.ReadAsync(buffer.AsMemory(total), Ct);
        }

        Assert.Equal(payload, buffer.AsSpan(0, total).ToArray());
        Assert.True(accepted.DirectDeliveries >= 1, "the receive loop did not deliver into the waiting read's buffer");
    }

    [Fact]
    public async Task Reads_canceled_while_payload_arrives_lose_nothing()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var (opened, accepted) = await OpenedStreamAsync(pair);

        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var got = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long sentBytes = 0, gotBytes = 0;
        var buffer = new byte[8 * 1024];
        for (var i = 0; i < 300; i++)
        {
            // A read is pending; the payload and the cancellation race each other.
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var read = accepted.ReadAsync(buffer, cancel.Token).AsTask();
            var payload = RandomNumberGenerator.GetBytes(1 + (i * 37 % 5000));
            sent.AppendData(payload);
            sentBytes += payload.Length;
            var write = opened.WriteAsync(payload, Ct).AsTask();
            if (i % 2 == 0)
            {
                await cancel.CancelAsync();
            }
            else
            {
                cancel.Cancel();
            }

            await write;
            try
            {
                var count = await read;
                got.AppendData(buffer, 0, count);
                gotBytes += count;
            }
            catch (OperationCanceledException)
            {
            }

            // Whatever the canceled read did not return is there for the next reads.
            while (gotBytes < sentBytes)
            {
                var count = await accepted.ReadAsync(buffer, Ct);
                got.AppendData(buffer, 0, count);
                gotBytes += count;
            }
        }

        opened.CloseWrite();
        Assert.Equal(0, await accepted.ReadAsync(buffer, Ct));
        Assert.Equal(sentBytes, gotBytes);
        Assert.Equal(sent.GetHashAndReset(), got.GetHashAndReset());
    }

    /// <summary>A stream opened by the client and accepted by the server, with its first byte read.</summary>
    private static async Task<(MuxStream Opened, MuxStream Accepted)> OpenedStreamAsync(MuxPair pair)
    {
        var opened = await pair.Client.OpenStreamAsync(Ct);
        await opened.WriteAsync(new byte[] { 0 }, Ct);
        var accepted = await pair.Server.AcceptStreamAsync(Ct);
        Assert.Equal(1, await accepted.ReadAsync(new byte[1], Ct));
        return (opened, accepted);
    }

    /// <summary>Every size, on four streams each way at once; each side checks what it read against what was sent.</summary>
    private static async Task ExchangeAsync(MuxSession client, MuxSession server)
    {
        var payloads = Sizes.Select(size => RandomNumberGenerator.GetBytes(size)).ToArray();
        var expected = SHA256.HashData(payloads.SelectMany(p => p).ToArray());

        async Task SendAsync(MuxSession session)
        {
            var stream = await session.OpenStreamAsync(Ct);
            foreach (var payload in payloads)
            {
                await stream.WriteAsync(payload, Ct);
            }

            stream.CloseWrite();
            await ReceiveAndCheckAsync(stream);
        }

        async Task AcceptAsync(MuxSession session)
        {
            var stream = await session.AcceptStreamAsync(Ct);
            await ReceiveAndCheckAsync(stream);
            await stream.WriteAsync(new byte[] { 1 }, Ct);
            stream.CloseWrite();
        }

        async Task ReceiveAndCheckAsync(MuxStream stream)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[200 * 1024];
            var total = 0L;
            int read;
            while ((read = await stream.ReadAsync(buffer, Ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }

            if (total > 1)
            {
                Assert.Equal(expected, hash.GetHashAndReset());
            }
        }

        var work = new List<Task>();
        for (var i = 0; i < 4; i++)
        {
            work.Add(SendAsync(client));
            work.Add(AcceptAsync(server));
            work.Add(SendAsync(server));
            work.Add(AcceptAsync(client));
        }

        await Task.WhenAll(work).WaitAsync(TimeSpan.FromMinutes(1), Ct);
    }

    private static async Task<(Socket Client, Socket Server)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync(Ct).AsTask();
        await client.ConnectAsync(listener.LocalEndPoint!, Ct);
        var server = await accept;
        server.NoDelay = true;
        return (client, server);
    }

    private sealed class Disposable : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
