using System.Security.Cryptography;
using Fdt.Protocol.Mux;
using Fdt.Testing;

namespace Fdt.Protocol.Tests.Mux;

public sealed class MuxSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MuxOptions NoKeepAlive => new() { EnableKeepAlive = false };

    [Fact]
    public async Task OpenStream_ClientToServer_EchoesDataBothWays()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var opened = await pair.Client.OpenStreamAsync(Ct);
        await opened.WriteAsync("hello"u8.ToArray(), Ct);

        var accepted = await pair.Server.AcceptStreamAsync(Ct);
        Assert.Equal(opened.Id, accepted.Id);
        Assert.Equal(1u, opened.Id);
        var buffer = new byte[5];
        await accepted.ReadExactlyAsync(buffer, Ct);
        Assert.Equal("hello"u8.ToArray(), buffer);

        await accepted.WriteAsync("world"u8.ToArray(), Ct);
        await opened.ReadExactlyAsync(buffer, Ct);
        Assert.Equal("world"u8.ToArray(), buffer);
    }

    [Fact]
    public async Task OpenStream_UsesOddIdsOnClientAndEvenOnServer()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var c1 = await pair.Client.OpenStreamAsync(Ct);
        var c2 = await pair.Client.OpenStreamAsync(Ct);
        var s1 = await pair.Server.OpenStreamAsync(Ct);
        var s2 = await pair.Server.OpenStreamAsync(Ct);
        Assert.Equal([1u, 3u, 2u, 4u], new[] { c1.Id, c2.Id, s1.Id, s2.Id });
        Assert.Equal(s1.Id, (await pair.Client.AcceptStreamAsync(Ct)).Id);
    }

    [Fact]
    public async Task CloseWrite_HalfCloses_PeerReadsEndAndCanStillWrite()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var client = await pair.Client.OpenStreamAsync(Ct);
        await client.WriteAsync("request"u8.ToArray(), Ct);
        client.CloseWrite();

        var server = await pair.Server.AcceptStreamAsync(Ct);
        using var received = new MemoryStream();
        await server.CopyToAsync(received, Ct);
        Assert.Equal("request"u8.ToArray(), received.ToArray());

        // The server's direction is still open after the client's FIN.
        await server.WriteAsync("response"u8.ToArray(), Ct);
        server.CloseWrite();
        using var reply = new MemoryStream();
        await client.CopyToAsync(reply, Ct);
        Assert.Equal("response"u8.ToArray(), reply.ToArray());

        await WaitUntilAsync(() => pair.Client.StreamCount == 0 && pair.Server.StreamCount == 0);
    }

    [Fact]
    public async Task Write_AfterCloseWrite_Throws()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var client = await pair.Client.OpenStreamAsync(Ct);
        client.CloseWrite();
        var error = await Assert.ThrowsAsync<MuxException>(async () => await client.WriteAsync(new byte[1], Ct));
        Assert.Equal(MuxError.StreamClosed, error.Error);
    }

    [Fact]
    public async Task Reset_ByPeer_FailsPendingReadAndLaterWrites()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var client = await pair.Client.OpenStreamAsync(Ct);
        await client.WriteAsync(new byte[1], Ct);
        var server = await pair.Server.AcceptStreamAsync(Ct);
        await server.ReadExactlyAsync(new byte[1], Ct);

        var pendingRead = server.ReadAsync(new byte[10], Ct).AsTask();
        client.Reset();

        var readError = await Assert.ThrowsAsync<MuxException>(() => pendingRead);
        Assert.Equal(MuxError.StreamReset, readError.Error);
        var writeError = await Assert.ThrowsAsync<MuxException>(async () => await server.WriteAsync(new byte[1], Ct));
        Assert.Equal(MuxError.StreamReset, writeError.Error);
        await WaitUntilAsync(() => pair.Server.StreamCount == 0 && pair.Client.StreamCount == 0);
    }

    [Fact]
    public async Task Reset_ByPeer_DeliversDataThatArrivedBeforeTheReset()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var client = await pair.Client.OpenStreamAsync(Ct);
        await client.WriteAsync("partial"u8.ToArray(), Ct);
        client.Reset();
        var server = await pair.Server.AcceptStreamAsync(Ct);
        var buffer = new byte[7];
        await server.ReadExactlyAsync(buffer, Ct);
        Assert.Equal("partial"u8.ToArray(), buffer);
        await Assert.ThrowsAsync<MuxException>(async () => await server.ReadAsync(buffer, Ct));
    }

    [Fact]
    public async Task Dispose_BeforePeerFinished_ResetsSoPeerWritesFailFast()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var client = await pair.Client.OpenStreamAsync(Ct);
        await client.WriteAsync("data"u8.ToArray(), Ct);
        var server = await pair.Server.AcceptStreamAsync(Ct);
        await client.DisposeAsync();

        // The server reads what was sent and a clean end (FIN came first) ...
        using var received = new MemoryStream();
        await server.CopyToAsync(received, Ct);
        Assert.Equal("data"u8.ToArray(), received.ToArray());

        // ... and its writes fail instead of stalling on a window that will never open.
        await WaitUntilAsync(() => pair.Server.StreamCount == 0);
        await Assert.ThrowsAsync<MuxException>(async () => await server.WriteAsync(new byte[1], Ct));
    }

    [Fact]
    public async Task StalledReader_WriterPausesAtTheWindow_AndResumesWhenRead()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var client = await pair.Client.OpenStreamAsync(Ct);
        var payload = RandomNumberGenerator.GetBytes(1024 * 1024);
        var write = client.WriteAsync(payload, Ct).AsTask();
        var server = await pair.Server.AcceptStreamAsync(Ct);

        // Nobody reads: the writer must stop at the initial 256 KiB window.
        await WaitUntilAsync(() => pair.Client.FlowControlStalls > 0);
        Assert.False(write.IsCompleted);
        Assert.Equal(MuxOptions.InitialStreamWindow, client.BytesWritten);
        await WaitUntilAsync(() => server.BufferedBytes == MuxOptions.InitialStreamWindow);
        Assert.True(pair.ClientTransport.BytesWritten < MuxOptions.InitialStreamWindow + (64 * 1024), "the transport carried more than the window");

        var received = new byte[payload.Length];
        await server.ReadExactlyAsync(received, Ct);
        await write;
        Assert.Equal(payload, received);
    }

    [Fact]
    public async Task ManyStreams_ThousandConcurrentEchoes_AllIntact()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        const int Streams = 1000;
        var server = Task.Run(async () =>
        {
            var echoes = new List<Task>();
            for (var i = 0; i < Streams; i++)
            {
                var stream = await pair.Server.AcceptStreamAsync(Ct);
                echoes.Add(Task.Run(async () =>
                {
                    await stream.CopyToAsync(stream, Ct);
                    stream.CloseWrite();
                }, Ct));
            }

            await Task.WhenAll(echoes);
        }, Ct);

        var clients = Enumerable.Range(0, Streams).Select(async i =>
        {
            var stream = await pair.Client.OpenStreamAsync(Ct);
            var payload = RandomNumberGenerator.GetBytes(1000 + (i * 37 % 20000));
            var reader = Task.Run(async () =>
            {
                using var echoed = new MemoryStream();
                await stream.CopyToAsync(echoed, Ct);
                return echoed.ToArray();
            }, Ct);
            await stream.WriteAsync(payload, Ct);
            stream.CloseWrite();
            Assert.Equal(payload, await reader);
        }).ToArray();

        Assert.Equal(Streams, (await Task.WhenAll(clients.Select(async c => { await c; return 1; }))).Sum());
        await server;
        await WaitUntilAsync(() => pair.Client.StreamCount == 0 && pair.Server.StreamCount == 0);
    }

    [Fact]
    public async Task LargeTransfer_ChecksumMatches_AndWindowGrowsOnAFastPath()
    {
        var fastClock = new FakeTimeProvider();
        var options = new MuxOptions { EnableKeepAlive = true, TimeProvider = fastClock, KeepAliveInterval = TimeSpan.FromHours(1) };
        await using var pair = MuxPair.Create(options, options);
        await pair.Server.PingAsync(Ct); // measures an RTT (of one tick on the frozen clock)
        var client = await pair.Client.OpenStreamAsync(Ct);
        var payload = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        var write = Task.Run(async () =>
        {
            await client.WriteAsync(payload, Ct);
            client.CloseWrite();
        }, Ct);
        var server = await pair.Server.AcceptStreamAsync(Ct);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[32 * 1024];
        int read;
        while ((read = await server.ReadAsync(buffer, Ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }

        await write;
        Assert.Equal(SHA256.HashData(payload), sha.GetHashAndReset());
        Assert.Equal(options.MaxStreamWindow, server.ReceiveWindowSize);
    }

    [Fact]
    public async Task WindowGrowth_Disabled_WhenMaxEqualsInitial()
    {
        var clock = new FakeTimeProvider();
        var options = new MuxOptions { TimeProvider = clock, MaxStreamWindow = MuxOptions.InitialStreamWindow, KeepAliveInterval = TimeSpan.FromHours(1) };
        await using var pair = MuxPair.Create(options, options);
        await pair.Server.PingAsync(Ct);
        var client = await pair.Client.OpenStreamAsync(Ct);
        var write = client.WriteAsync(new byte[2 * 1024 * 1024], Ct).AsTask();
        var server = await pair.Server.AcceptStreamAsync(Ct);
        await server.ReadExactlyAsync(new byte[2 * 1024 * 1024], Ct);
        await write;
        Assert.Equal(MuxOptions.InitialStreamWindow, server.ReceiveWindowSize);
    }

    [Fact]
    public async Task SessionDeath_MidTransfer_FailsEveryPendingOperation()
    {
        var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var idle = await pair.Client.OpenStreamAsync(Ct);
        await idle.WriteAsync(new byte[10], Ct);
        var server = await pair.Server.AcceptStreamAsync(Ct);
        await server.ReadExactlyAsync(new byte[10], Ct);
        var pendingRead = server.ReadAsync(new byte[100], Ct).AsTask();

        var busy = await pair.Client.OpenStreamAsync(Ct);
        var stalledWrite = busy.WriteAsync(new byte[1024 * 1024], Ct).AsTask(); // nobody reads: stalls on the window
        await pair.Server.AcceptStreamAsync(Ct);
        await WaitUntilAsync(() => pair.Client.FlowControlStalls > 0);
        var pendingAccept = pair.Server.AcceptStreamAsync(Ct).AsTask();

        pair.ClientTransport.Disconnect();

        var reason = await pair.Server.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(MuxCloseKind.TransportError, reason.Kind);
        await Assert.ThrowsAnyAsync<IOException>(() => pendingRead);
        await Assert.ThrowsAsync<MuxSessionClosedException>(() => pendingAccept);
        await Assert.ThrowsAsync<MuxSessionClosedException>(() => stalledWrite);
        await Assert.ThrowsAsync<MuxSessionClosedException>(async () => await pair.Client.OpenStreamAsync(Ct));
        await Assert.ThrowsAsync<MuxSessionClosedException>(async () => await pair.Server.OpenStreamAsync(Ct));
        await Assert.ThrowsAsync<MuxSessionClosedException>(() => pair.Client.PingAsync(Ct));
        Assert.True(pair.Client.IsClosed);
    }

    [Fact]
    public async Task CloseAsync_PeerSeesRemoteCloseAndPendingAcceptFails()
    {
        var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var pendingAccept = pair.Server.AcceptStreamAsync(Ct).AsTask();
        await pair.Client.CloseAsync();
        var reason = await pair.Server.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(MuxCloseKind.RemoteClose, reason.Kind);
        var error = await Assert.ThrowsAsync<MuxSessionClosedException>(() => pendingAccept);
        Assert.Equal(MuxCloseKind.RemoteClose, error.Reason.Kind);
        Assert.Equal(MuxCloseKind.LocalClose, pair.Client.CloseReason!.Kind);
    }

    [Fact]
    public async Task ConcurrentCloseAndTransportFailure_NeverThrowAndReportOneReason()
    {
        for (var i = 0; i < 200; i++)
        {
            var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
            var stream = await pair.Client.OpenStreamAsync(Ct);
            await stream.WriteAsync(new byte[100], Ct);
            var close = Task.Run(() => pair.Client.CloseAsync(), Ct);
            var cut = Task.Run(pair.ClientTransport.Disconnect, Ct);
            var abort = Task.Run(() => pair.Client.Abort("test"), Ct);
            await Task.WhenAll(close, cut, abort);
            var reason = await pair.Client.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.NotNull(reason);
            Assert.Same(reason, pair.Client.CloseReason);
            await pair.Server.CloseAsync();
        }
    }

    [Fact]
    public async Task GoAway_FromPeer_BlocksNewStreamsButExistingOnesContinue()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var existing = await pair.Client.OpenStreamAsync(Ct);
        await existing.WriteAsync(new byte[1], Ct);
        var accepted = await pair.Server.AcceptStreamAsync(Ct);

        pair.Server.GoAway();
        await WaitUntilAsync(() => pair.Client.RemoteGoingAway);

        var error = await Assert.ThrowsAsync<MuxException>(async () => await pair.Client.OpenStreamAsync(Ct));
        Assert.Equal(MuxError.GoingAway, error.Error);
        await accepted.WriteAsync("still here"u8.ToArray(), Ct);
        var buffer = new byte[10];
        await existing.ReadExactlyAsync(buffer, Ct);
        Assert.Equal("still here"u8.ToArray(), buffer);
    }

    [Fact]
    public async Task OpenStream_BeyondConcurrentLimit_FailsWithTooManyStreams()
    {
        var options = new MuxOptions { EnableKeepAlive = false, MaxConcurrentStreams = 2 };
        await using var pair = MuxPair.Create(options, NoKeepAlive);
        await pair.Client.OpenStreamAsync(Ct);
        await pair.Client.OpenStreamAsync(Ct);
        var error = await Assert.ThrowsAsync<MuxException>(async () => await pair.Client.OpenStreamAsync(Ct));
        Assert.Equal(MuxError.TooManyStreams, error.Error);
    }

    [Fact]
    public async Task IncomingStreams_BeyondPeerLimit_AreReset()
    {
        var serverOptions = new MuxOptions { EnableKeepAlive = false, MaxConcurrentStreams = 1 };
        await using var pair = MuxPair.Create(NoKeepAlive, serverOptions);
        var first = await pair.Client.OpenStreamAsync(Ct);
        var second = await pair.Client.OpenStreamAsync(Ct);
        var error = await Assert.ThrowsAsync<MuxException>(async () => await second.ReadAsync(new byte[1], Ct));
        Assert.Equal(MuxError.StreamReset, error.Error);
        await first.WriteAsync(new byte[1], Ct);
        Assert.Equal(first.Id, (await pair.Server.AcceptStreamAsync(Ct)).Id);
    }

    [Fact]
    public async Task AcceptBacklog_Full_ResetsTheExtraStream()
    {
        var serverOptions = new MuxOptions { EnableKeepAlive = false, AcceptBacklog = 1 };
        await using var pair = MuxPair.Create(NoKeepAlive, serverOptions);
        await pair.Client.OpenStreamAsync(Ct);
        var extra = await pair.Client.OpenStreamAsync(Ct);
        var error = await Assert.ThrowsAsync<MuxException>(async () => await extra.ReadAsync(new byte[1], Ct));
        Assert.Equal(MuxError.StreamReset, error.Error);
    }

    [Fact]
    public async Task Ping_MeasuresRoundTrip()
    {
        await using var pair = MuxPair.Create(NoKeepAlive, NoKeepAlive);
        var rtt = await pair.Client.PingAsync(Ct);
        Assert.True(rtt > TimeSpan.Zero);
        Assert.NotNull(pair.Client.LastRtt);
    }

    [Fact]
    public async Task KeepAlive_UnansweredPing_ClosesSessionAfterTimeout()
    {
        var clock = new FakeTimeProvider();
        var options = new MuxOptions { TimeProvider = clock, KeepAliveInterval = TimeSpan.FromSeconds(10), KeepAliveTimeout = TimeSpan.FromSeconds(5) };
        await using var peer = RawPeer.StartClient(options);

        // The session pings at once; a dead peer never answers.
        var ping = await peer.ReceiveAsync();
        Assert.Equal(FrameType.Ping, ping.Header.Type);
        Assert.Equal(FrameFlags.Syn, ping.Header.Flags);

        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(peer.Session.IsClosed);
        clock.Advance(TimeSpan.FromSeconds(0.2));
        var reason = await peer.Session.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(MuxCloseKind.KeepAliveTimeout, reason.Kind);
    }

    [Fact]
    public async Task KeepAlive_AnsweredPings_KeepSessionOpen()
    {
        var clock = new FakeTimeProvider();
        var options = new MuxOptions { TimeProvider = clock, KeepAliveInterval = TimeSpan.FromSeconds(10), KeepAliveTimeout = TimeSpan.FromSeconds(5) };
        await using var peer = RawPeer.StartClient(options);
        for (var i = 0; i < 3; i++)
        {
            var ping = await peer.ReceiveAsync();
            Assert.Equal(FrameType.Ping, ping.Header.Type);
            await peer.SendAsync(new FrameHeader(FrameType.Ping, FrameFlags.Ack, 0, ping.Header.Length));
            await WaitUntilAsync(() => !peer.Session.KeepAlivePending);
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.False(peer.Session.IsClosed);
    }

    [Fact]
    public async Task Ping_FromPeer_IsAnsweredWithSameValue()
    {
        await using var peer = RawPeer.StartServer();
        await peer.SendAsync(new FrameHeader(FrameType.Ping, FrameFlags.Syn, 0, 0x1234));
        var answer = await peer.ReceiveAsync();
        Assert.Equal(new FrameHeader(FrameType.Ping, FrameFlags.Ack, 0, 0x1234), answer.Header);
    }

    [Fact]
    public async Task AcceptStream_SendsAck()
    {
        await using var peer = RawPeer.StartServer();
        await peer.SendAsync(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Syn, 1, 0));
        var stream = await peer.Session.AcceptStreamAsync(Ct);
        var ack = await peer.ReceiveAsync();
        Assert.Equal(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Ack, 1, 0), ack.Header);
        Assert.Equal(1u, stream.Id);
    }

    [Fact]
    public async Task OpenStream_SendsSynAsWindowUpdate()
    {
        await using var peer = RawPeer.StartClient();
        var stream = await peer.Session.OpenStreamAsync(Ct);
        await stream.WriteAsync("hi"u8.ToArray(), Ct);
        stream.CloseWrite();
        var syn = await peer.ReceiveAsync();
        Assert.Equal(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Syn, 1, 0), syn.Header);
        var data = await peer.ReceiveAsync();
        Assert.Equal(new FrameHeader(FrameType.Data, FrameFlags.None, 1, 2), data.Header);
        Assert.Equal("hi"u8.ToArray(), data.Payload);
        var fin = await peer.ReceiveAsync();
        Assert.Equal(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Fin, 1, 0), fin.Header);
    }

    [Fact]
    public async Task Reading_SendsWindowUpdateOnceHalfTheWindowIsConsumed()
    {
        await using var peer = RawPeer.StartServer();
        await peer.SendAsync(new FrameHeader(FrameType.Data, FrameFlags.Syn, 1, 128 * 1024), new byte[128 * 1024]);
        var stream = await peer.Session.AcceptStreamAsync(Ct);
        await stream.ReadExactlyAsync(new byte[128 * 1024], Ct);
        var ack = await peer.ReceiveAsync();
        Assert.Equal(FrameFlags.Ack, ack.Header.Flags);
        var update = await peer.ReceiveAsync();
        Assert.Equal(new FrameHeader(FrameType.WindowUpdate, FrameFlags.None, 1, 128 * 1024), update.Header);
    }

    public static TheoryData<string, byte[]> MalformedInputs => new()
    {
        { "bad version", Frame(new FrameHeader(FrameType.Ping, FrameFlags.Syn, 0, 1), version: 1) },
        { "unknown type", Frame(new FrameHeader((FrameType)9, FrameFlags.None, 0, 0)) },
        { "huge length", Frame(new FrameHeader(FrameType.Data, FrameFlags.Syn, 1, 0xFFFFFFF0)) },
        { "data beyond the window", [.. Frame(new FrameHeader(FrameType.Data, FrameFlags.Syn, 1, MuxOptions.InitialStreamWindow + 1)), .. new byte[MuxOptions.InitialStreamWindow + 1]] },
        { "unknown stream", Frame(new FrameHeader(FrameType.Data, FrameFlags.None, 41, 3)) },
        { "data on stream 0", Frame(new FrameHeader(FrameType.Data, FrameFlags.None, 0, 0)) },
        { "SYN with wrong parity", Frame(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Syn, 2, 0)) },
        { "SYN for an open stream", [.. Frame(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Syn, 3, 0)), .. Frame(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Syn, 3, 0))] },
        { "ping on a stream", Frame(new FrameHeader(FrameType.Ping, FrameFlags.Syn, 5, 0)) },
        { "window overflow", [.. Frame(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Syn, 1, uint.MaxValue))] },
    };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public async Task MalformedInput_EndsSessionWithProtocolErrorGoAway(string name, byte[] bytes)
    {
        await using var peer = RawPeer.StartServer();
        await peer.SendRawAsync(bytes);
        var goAway = await peer.ReceiveUntilAsync(h => h.Type == FrameType.GoAway);
        Assert.Equal((uint)GoAwayCode.ProtocolError, goAway.Length);
        var reason = await peer.Session.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(reason.Kind == MuxCloseKind.ProtocolError, $"{name}: {reason}");
        Assert.False(peer.Session.Completion.IsFaulted);
    }

    [Fact]
    public async Task TruncatedHeader_EndsSessionCleanly()
    {
        await using var peer = RawPeer.StartServer();
        await peer.SendRawAsync([0, 2, 0]);
        await peer.Wire.DisposeAsync();
        var reason = await peer.Session.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(MuxCloseKind.ProtocolError, reason.Kind);
        Assert.Contains("header", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedPayload_EndsSessionCleanly()
    {
        await using var peer = RawPeer.StartServer();
        await peer.SendRawAsync([.. Frame(new FrameHeader(FrameType.Data, FrameFlags.Syn, 1, 100)), .. new byte[10]]);
        await peer.Wire.DisposeAsync();
        var reason = await peer.Session.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(MuxCloseKind.ProtocolError, reason.Kind);
    }

    [Fact]
    public async Task GoAwayWithErrorCode_FromPeer_EndsSession()
    {
        await using var peer = RawPeer.StartServer();
        await peer.SendAsync(new FrameHeader(FrameType.GoAway, FrameFlags.None, 0, (uint)GoAwayCode.InternalError));
        var reason = await peer.Session.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(MuxCloseKind.RemoteError, reason.Kind);
    }

    [Fact]
    public async Task FrameForRecentlyClosedStream_IsDiscarded()
    {
        await using var peer = RawPeer.StartServer();
        await peer.SendAsync(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Syn, 1, 0));
        var stream = await peer.Session.AcceptStreamAsync(Ct);
        stream.Reset();
        await peer.ReceiveUntilAsync(h => (h.Flags & FrameFlags.Rst) != 0);

        // Data in flight for the reset stream is dropped; the session goes on.
        await peer.SendAsync(new FrameHeader(FrameType.Data, FrameFlags.None, 1, 4), [1, 2, 3, 4]);
        await peer.SendAsync(new FrameHeader(FrameType.Ping, FrameFlags.Syn, 0, 77));
        var pong = await peer.ReceiveUntilAsync(h => h.Type == FrameType.Ping);
        Assert.Equal(77u, pong.Length);
        Assert.False(peer.Session.IsClosed);
    }

    private static byte[] Frame(FrameHeader header, byte version = 0)
    {
        var bytes = new byte[FrameHeader.Size];
        header.WriteTo(bytes);
        bytes[0] = version;
        return bytes;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
