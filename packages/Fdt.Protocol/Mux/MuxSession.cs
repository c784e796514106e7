using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fdt.Protocol.Mux;

/// <summary>
/// A yamux-compatible stream multiplexer over any duplex byte stream (a WebSocket, a TCP or TLS
/// connection, an in-memory pipe). The client side opens odd stream ids and the server side even
/// ones. One receive loop parses frames and dispatches them; every frame header is validated
/// (version, type, stream id, length against the window granted) before anything is allocated for
/// it, and any violation ends the session with GoAway(protocol error) — the loop never throws.
/// When the session ends, every pending and later read, write, open and accept fails with
/// <see cref="MuxSessionClosedException"/> carrying the <see cref="MuxCloseReason"/>.
/// </summary>
public sealed partial class MuxSession : IAsyncDisposable
{
    private readonly Stream _transport;
    private readonly ILogger _logger;
    private readonly FrameWriter _writer;
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, MuxStream> _streams = [];
    private readonly Channel<MuxStream> _acceptQueue;
    private readonly Dictionary<uint, (long Sent, TaskCompletionSource<TimeSpan> Completion)> _pings = [];
    private readonly TaskCompletionSource<MuxCloseReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer? _keepAliveTimer;
    private readonly ITimer? _keepAliveTimeoutTimer;
    private readonly SemaphoreSlim _openSlots;

    private uint _nextStreamId;
    private uint _highestRemoteStreamId;
    private uint _nextPingId;
    private uint _keepAlivePingId;
    private bool _localGoAway;
    private bool _remoteGoAway;
    private int _closed;
    private MuxCloseReason? _closeReason;
    private MuxSessionClosedException? _closedException;
    private long _smoothedRttTicks;
    private long _lastRttTicks;
    private long _flowControlStalls;
    private Task? _receiveLoop;

    private MuxSession(Stream transport, bool isClient, MuxOptions options, ILogger? logger)
    {
        options.Validate();
        _transport = transport;
        IsClient = isClient;
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _nextStreamId = isClient ? 1u : 2u;
        _writer = new FrameWriter(transport, options.WriteBufferHighWatermark, OnWriteFailed);
        _openSlots = new SemaphoreSlim(options.AcceptBacklog, int.MaxValue);
        _acceptQueue = Channel.CreateBounded<MuxStream>(new BoundedChannelOptions(options.AcceptBacklog)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        if (options.EnableKeepAlive)
        {
            _keepAliveTimer = options.TimeProvider.CreateTimer(static s => ((MuxSession)s!).OnKeepAliveTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _keepAliveTimeoutTimer = options.TimeProvider.CreateTimer(static s => ((MuxSession)s!).OnKeepAliveTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether this is the client side (odd stream ids).</summary>
    public bool IsClient { get; }

    /// <summary>The limits this session runs with.</summary>
    public MuxOptions Options { get; }

    /// <summary>Completes with the reason once the session has ended. Never faults.</summary>
    public Task<MuxCloseReason> Completion => _completion.Task;

    /// <summary>Whether the session has ended.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) == 1;

    /// <summary>Why the session ended, or null while it runs.</summary>
    public MuxCloseReason? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>The most recent round-trip time measured by a ping, or null before the first one.</summary>
    public TimeSpan? LastRtt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastRttTicks);
            return ticks == 0 ? null : Options.TimeProvider.GetElapsedTime(0, ticks);
        }
    }

    /// <summary>Streams currently open (in either direction).</summary>
    public int StreamCount
    {
        get
        {
            lock (_lock)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>How many times a writer waited for the peer to open its window.</summary>
    public long FlowControlStalls => Interlocked.Read(ref _flowControlStalls);

    /// <summary>Whether the peer sent GoAway: no new streams can be opened.</summary>
    public bool RemoteGoingAway
    {
        get
        {
            lock (_lock)
            {
                return _remoteGoAway;
            }
        }
    }

    internal TimeProvider TimeProvider => Options.TimeProvider;

    /// <summary>Whether a keepalive ping is waiting for its answer.</summary>
    internal bool KeepAlivePending
    {
        get
        {
            lock (_lock)
            {
                return _keepAlivePingId != 0;
            }
        }
    }

    internal long SmoothedRttTicks => Interlocked.Read(ref _smoothedRttTicks);

    /// <summary>Writes sent from the caller's buffer by one gathering send (plain socket transports only).</summary>
    public long GatheredWrites => _writer.GatheredWrites;

    /// <summary>Starts a client-side session (odd stream ids) over <paramref name="transport"/>.</summary>
    public static MuxSession StartClient(Stream transport, MuxOptions? options = null, ILogger? logger = null)
        => Start(transport, isClient: true, options, logger);

    /// <summary>Starts a server-side session (even stream ids) over <paramref name="transport"/>.</summary>
    public static MuxSession StartServer(Stream transport, MuxOptions? options = null, ILogger? logger = null)
        => Start(transport, isClient: false, options, logger);

    private static MuxSession Start(Stream transport, bool isClient, MuxOptions? options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var session = new MuxSession(transport, isClient, options ?? MuxOptions.Default, logger);
        session._receiveLoop = session.ReceiveLoopAsync();
        if (session.Options.EnableKeepAlive)
        {
            // A first ping right away measures the RTT that window growth relies on.
            session.SendKeepAlivePing();
            session._keepAliveTimer!.Change(session.Options.KeepAliveInterval, session.Options.KeepAliveInterval);
        }

        return session;
    }

    /// <summary>
    /// Opens a new stream. The SYN is queued at once and the stream is usable immediately (data may
    /// follow the SYN before the peer acknowledges it, as in yamux). At most
    /// <see cref="MuxOptions.AcceptBacklog"/> streams may wait for the peer's ACK; further opens wait,
    /// so a fast opener never overruns the peer's accept backlog.
    /// </summary>
    public async ValueTask<MuxStream> OpenStreamAsync(CancellationToken cancellationToken = default)
    {
        await _openSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        MuxStream stream;
        bool startFlush;
        lock (_lock)
        {
            Exception? error = null;
            if (_closedException is not null)
            {
                error = _closedException;
            }
            else if (_remoteGoAway)
            {
                error = new MuxException(MuxError.GoingAway, "The session is going away; no new streams can be opened.");
            }
            else if (_streams.Count >= Options.MaxConcurrentStreams)
            {
                error = new MuxException(MuxError.TooManyStreams, $"The limit of {Options.MaxConcurrentStreams} concurrent streams is reached.");
            }
            else if (_nextStreamId > uint.MaxValue - 2)
            {
                error = new MuxException(MuxError.StreamIdsExhausted, "Stream identifiers are exhausted; open a new session.");
            }

            if (error is not null)
            {
                _openSlots.Release();
                throw error;
            }

            stream = new MuxStream(this, _nextStreamId, openedLocally: true);
            _nextStreamId += 2;
            _streams.Add(stream.Id, stream);

            // Queued under the lock so that SYNs leave in stream id order, as the peer requires.
            startFlush = _writer.EnqueueControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Syn, stream.Id, 0));
        }

        if (startFlush)
        {
            _writer.StartFlush();
        }

        return stream;
    }

    /// <summary>Waits for the next stream opened by the peer and acknowledges it.</summary>
    public async ValueTask<MuxStream> AcceptStreamAsync(CancellationToken cancellationToken = default)
    {
        MuxStream stream;
        try
        {
            stream = await _acceptQueue.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw ClosedException();
        }

        _writer.WriteControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Ack, stream.Id, 0));
        return stream;
    }

    /// <summary>Sends a ping and returns the measured round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        uint id;
        lock (_lock)
        {
            if (_closedException is not null)
            {
                throw _closedException;
            }

            id = ++_nextPingId;
            _pings[id] = (TimeProvider.GetTimestamp(), completion);
        }

        _writer.WriteControl(new FrameHeader(FrameType.Ping, FrameFlags.Syn, 0, id));
        try
        {
            return await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _pings.Remove(id);
            }
        }
    }

    /// <summary>
    /// Sends GoAway(normal): the peer may open no new streams, and neither may this side; streams
    /// already open continue. Used to drain a session before closing it.
    /// </summary>
    public void GoAway()
    {
        lock (_lock)
        {
            if (_localGoAway || _closedException is not null)
            {
                return;
            }

            _localGoAway = true;
        }

        _writer.WriteControl(new FrameHeader(FrameType.GoAway, FrameFlags.None, 0, (uint)GoAwayCode.Normal));
    }

    /// <summary>
    /// Closes the session gracefully: GoAway(normal), queued frames are written (bounded by
    /// <see cref="MuxOptions.CloseTimeout"/>), then the transport is closed.
    /// </summary>
    public async Task CloseAsync()
    {
        GoAway();
        var reason = new MuxCloseReason(MuxCloseKind.LocalClose, "closed by this side");
        if (!MarkClosed(reason))
        {
            await Completion.ConfigureAwait(false);
            return;
        }

        try
        {
            await _writer.WhenIdleAsync().WaitAsync(Options.CloseTimeout, TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        // Graceful: the transport's own close (e.g. a WebSocket close frame) follows the GoAway.
        _writer.Fail(_closedException ?? new MuxSessionClosedException(reason));
        try
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.TransportDisposeFailed(_logger, ex);
        }

        FinishClose(reason);
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }
    }

    /// <summary>Ends the session at once without a GoAway (the transport is closed).</summary>
    public void Abort(string reason)
    {
        var closeReason = new MuxCloseReason(MuxCloseKind.LocalClose, reason);
        if (MarkClosed(closeReason))
        {
            FinishClose(closeReason);
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    // ---- Used by streams ----------------------------------------------------------------------

    internal void SendControl(FrameHeader header) => _writer.WriteControl(header);

    internal void SendWindowUpdate(uint streamId, uint delta)
        => _writer.WriteControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.None, streamId, delta));

    internal ValueTask SendDataAsync(uint streamId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var closed = Volatile.Read(ref _closedException);
        if (closed is not null)
        {
            return ValueTask.FromException(closed);
        }

        return _writer.WriteDataAsync(streamId, payload, Options.MaxFramePayload, cancellationToken);
    }

    internal void RemoveStream(MuxStream stream)
    {
        lock (_lock)
        {
            _streams.Remove(stream.Id);
        }

        ReleaseOpenSlot(stream);
    }

    /// <summary>A locally opened stream stops counting against the backlog once acknowledged or gone.</summary>
    internal void ReleaseOpenSlot(MuxStream stream)
    {
        if (stream.OpenedLocally && stream.MarkAcknowledged())
        {
            _openSlots.Release();
        }
    }

    internal void OnFlowControlStall()
    {
        Interlocked.Increment(ref _flowControlStalls);
        MuxMetrics.FlowControlStalls.Add(1);
    }

    // ---- Receive loop -------------------------------------------------------------------------

    private async Task ReceiveLoopAsync()
    {
        // Yield so that Start returns before the first read.
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(Options.ReadBufferSize);
        var start = 0;
        var end = 0;
        MuxCloseReason reason;
        try
        {
            while (true)
            {
                // Header.
                while (end - start < FrameHeader.Size)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }

                    var read = await _transport.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        reason = end - start == 0
                            ? EndOfTransportReason()
                            : new MuxCloseReason(MuxCloseKind.ProtocolError, $"transport ended inside a frame header ({end - start} of {FrameHeader.Size} bytes)");
                        goto Done;
                    }

                    end += read;
                }

                var header = FrameHeader.Read(buffer.AsSpan(start, FrameHeader.Size), out var version);
                start += FrameHeader.Size;
                if (version != FrameHeader.ProtocolVersion)
                {
                    reason = ProtocolViolation($"unsupported protocol version {version}");
                    goto Done;
                }

                var violation = header.Type switch
                {
                    FrameType.Data => HandleStreamFrame(header, out _),
                    FrameType.WindowUpdate => HandleStreamFrame(header, out _),
                    FrameType.Ping => HandlePing(header),
                    FrameType.GoAway => HandleGoAway(header),
                    _ => $"unknown frame type {(byte)header.Type}",
                };

                if (violation is not null)
                {
                    if (violation.Length == 0)
                    {
                        // GoAway with an error code: the peer ends the session.
                        reason = _closeReason ?? new MuxCloseReason(MuxCloseKind.RemoteError, "the peer sent GoAway");
                        goto Done;
                    }

                    reason = ProtocolViolation(violation);
                    goto Done;
                }

                if (header.Type != FrameType.Data || header.Length == 0)
                {
                    ApplyTrailingFlags(header);
                    continue;
                }

                // Payload: delivered to the stream (or discarded) as it arrives, so frames of any
                // allowed size pass through the fixed-size read buffer.
                var stream = LookupForPayload(header.StreamId);
                var remaining = header.Length;
                while (remaining > 0)
                {
                    if (start == end)
                    {
                        start = end = 0;
                        var read = await _transport.ReadAsync(buffer.AsMemory()).ConfigureAwait(false);
                        if (read == 0)
                        {
                            reason = new MuxCloseReason(MuxCloseKind.ProtocolError, $"transport ended inside the payload of a data frame on stream {header.StreamId}");
                            goto Done;
                        }

                        end = read;
                    }

                    var take = (int)Math.Min(remaining, (uint)(end - start));
                    stream?.OnData(buffer.AsSpan(start, take));
                    start += take;
                    remaining -= (uint)take;
                }

                ApplyTrailingFlags(header);
            }
        }
        catch (Exception ex) when (IsClosed)
        {
            reason = _closeReason ?? new MuxCloseReason(MuxCloseKind.LocalClose, "closed", ex);
        }
        catch (Exception ex)
        {
            reason = new MuxCloseReason(MuxCloseKind.TransportError, ex.Message, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

    Done:
        Terminate(reason);
    }

    private MuxCloseReason EndOfTransportReason()
    {
        lock (_lock)
        {
            return _remoteGoAway
                ? new MuxCloseReason(MuxCloseKind.RemoteClose, "the peer closed the session")
                : new MuxCloseReason(MuxCloseKind.TransportClosed, "the transport was closed without GoAway");
        }
    }

    private MuxCloseReason ProtocolViolation(string message)
    {
        Log.ProtocolViolation(_logger, message);
        _writer.WriteControl(new FrameHeader(FrameType.GoAway, FrameFlags.None, 0, (uint)GoAwayCode.ProtocolError));
        return new MuxCloseReason(MuxCloseKind.ProtocolError, message);
    }

    /// <summary>
    /// Validates a Data or WindowUpdate header and applies its SYN/ACK and window effects.
    /// Returns null when valid, otherwise the protocol violation.
    /// </summary>
    private string? HandleStreamFrame(FrameHeader header, out MuxStream? stream)
    {
        stream = null;
        var id = header.StreamId;
        if (id == 0)
        {
            return $"{header.Type} frame on stream 0";
        }

        var flags = header.Flags;
        if ((flags & (FrameFlags.Syn | FrameFlags.Ack)) == (FrameFlags.Syn | FrameFlags.Ack))
        {
            return $"SYN and ACK together on stream {id}";
        }

        if (header.Type == FrameType.Data && header.Length > Options.MaxStreamWindow)
        {
            return $"data frame of {header.Length} bytes exceeds the largest window ({Options.MaxStreamWindow})";
        }

        var remoteParity = IsClient ? 0u : 1u;
        bool rejectNew = false;
        lock (_lock)
        {
            if ((flags & FrameFlags.Syn) != 0)
            {
                if ((id & 1) != remoteParity)
                {
                    return $"SYN with stream id {id} of the wrong parity";
                }

                // SYNs may arrive out of id order (the reference implementation assigns ids under
                // a lock but sends from concurrent goroutines), so only an id in use is an error.
                if (_streams.ContainsKey(id))
                {
                    return $"SYN for stream {id}, which is already open";
                }

                _highestRemoteStreamId = Math.Max(_highestRemoteStreamId, id);
                if (_localGoAway || _closedException is not null || _streams.Count >= Options.MaxConcurrentStreams)
                {
                    rejectNew = true;
                }
                else
                {
                    stream = new MuxStream(this, id, openedLocally: false);
                    _streams.Add(id, stream);
                }
            }
            else if (!_streams.TryGetValue(id, out stream))
            {
                // Unknown stream: a stream closed recently may still have frames in flight and
                // those are dropped; a stream that was never opened (an id above any SYN seen,
                // since every stream's SYN precedes its other frames) is a protocol violation.
                var opened = (id & 1) == remoteParity ? id <= _highestRemoteStreamId : id < _nextStreamId;
                if (!opened)
                {
                    return $"{header.Type} frame for stream {id}, which was never opened";
                }
            }
        }

        if (rejectNew)
        {
            Log.StreamRejected(_logger, id);
            _writer.WriteControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Rst, id, 0));
        }
        else if (stream is not null && (flags & FrameFlags.Syn) != 0)
        {
            if (!_acceptQueue.Writer.TryWrite(stream))
            {
                Log.AcceptBacklogFull(_logger, id, Options.AcceptBacklog);
                lock (_lock)
                {
                    _streams.Remove(id);
                }

                stream = null;
                _writer.WriteControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Rst, id, 0));
            }
        }

        if (stream is null)
        {
            return null;
        }

        if ((flags & FrameFlags.Ack) != 0)
        {
            ReleaseOpenSlot(stream);
        }

        if (header.Type == FrameType.WindowUpdate)
        {
            if (!stream.OnWindowUpdate(header.Length))
            {
                return $"window update overflows the send window of stream {id}";
            }
        }
        else if (header.Length > 0 && !stream.TryReserveReceive(header.Length))
        {
            return $"data frame of {header.Length} bytes exceeds the window granted to stream {id}";
        }

        return null;
    }

    private MuxStream? LookupForPayload(uint id)
    {
        lock (_lock)
        {
            return _streams.GetValueOrDefault(id);
        }
    }

    private void ApplyTrailingFlags(FrameHeader header)
    {
        if (header.Type is not (FrameType.Data or FrameType.WindowUpdate) || (header.Flags & (FrameFlags.Fin | FrameFlags.Rst)) == 0)
        {
            return;
        }

        var stream = LookupForPayload(header.StreamId);
        if (stream is null)
        {
            return;
        }

        if ((header.Flags & FrameFlags.Fin) != 0)
        {
            stream.OnRemoteFin();
        }

        if ((header.Flags & FrameFlags.Rst) != 0)
        {
            stream.OnRemoteReset();
        }
    }

    private string? HandlePing(FrameHeader header)
    {
        if (header.StreamId != 0)
        {
            return $"ping on stream {header.StreamId}";
        }

        if ((header.Flags & FrameFlags.Syn) != 0)
        {
            _writer.WriteControl(new FrameHeader(FrameType.Ping, FrameFlags.Ack, 0, header.Length));
            return null;
        }

        if ((header.Flags & FrameFlags.Ack) != 0)
        {
            var now = TimeProvider.GetTimestamp();
            TaskCompletionSource<TimeSpan>? completion = null;
            long sent = 0;
            lock (_lock)
            {
                if (_pings.TryGetValue(header.Length, out var ping))
                {
                    _pings.Remove(header.Length);
                    completion = ping.Completion;
                    sent = ping.Sent;
                    if (header.Length == _keepAlivePingId)
                    {
                        _keepAlivePingId = 0;
                        _keepAliveTimeoutTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    }
                }
            }

            if (completion is not null)
            {
                var rtt = now - sent;
                Interlocked.Exchange(ref _lastRttTicks, Math.Max(rtt, 1));
                var smoothed = Interlocked.Read(ref _smoothedRttTicks);
                Interlocked.Exchange(ref _smoothedRttTicks, smoothed == 0 ? Math.Max(rtt, 1) : Math.Max(((smoothed * 7) + rtt) / 8, 1));
                completion.TrySetResult(TimeProvider.GetElapsedTime(sent, now));
            }

            // An unsolicited or late ping response is ignored, as yamux does.
            return null;
        }

        return "ping without SYN or ACK";
    }

    /// <summary>Null if the session goes on; "" if the peer ended it with an error code.</summary>
    private string? HandleGoAway(FrameHeader header)
    {
        if (header.StreamId != 0)
        {
            return $"GoAway on stream {header.StreamId}";
        }

        var code = (GoAwayCode)header.Length;
        if (code == GoAwayCode.Normal)
        {
            lock (_lock)
            {
                _remoteGoAway = true;
            }

            Log.RemoteGoAway(_logger);
            return null;
        }

        var reason = new MuxCloseReason(MuxCloseKind.RemoteError, code switch
        {
            GoAwayCode.ProtocolError => "the peer reported a protocol error",
            GoAwayCode.InternalError => "the peer reported an internal error",
            _ => $"the peer sent GoAway with unknown code {header.Length}",
        });
        MarkClosed(reason);
        return string.Empty;
    }

    // ---- Keepalive ----------------------------------------------------------------------------

    private void OnKeepAliveTick()
    {
        lock (_lock)
        {
            if (_closedException is not null || _keepAlivePingId != 0)
            {
                return;
            }
        }

        SendKeepAlivePing();
    }

    private void SendKeepAlivePing()
    {
        uint id;
        lock (_lock)
        {
            if (_closedException is not null)
            {
                return;
            }

            id = ++_nextPingId;
            _keepAlivePingId = id;
            _pings[id] = (TimeProvider.GetTimestamp(), new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously));
            _keepAliveTimeoutTimer!.Change(Options.KeepAliveTimeout, Timeout.InfiniteTimeSpan);
        }

        _writer.WriteControl(new FrameHeader(FrameType.Ping, FrameFlags.Syn, 0, id));
    }

    private void OnKeepAliveTimeout()
    {
        lock (_lock)
        {
            if (_keepAlivePingId == 0)
            {
                return;
            }
        }

        var reason = new MuxCloseReason(MuxCloseKind.KeepAliveTimeout, $"no answer to a keepalive ping within {Options.KeepAliveTimeout.TotalSeconds:0.###} s");
        Log.KeepAliveTimeout(_logger, Options.KeepAliveTimeout);
        if (MarkClosed(reason))
        {
            FinishClose(reason);
        }
    }

    // ---- Termination --------------------------------------------------------------------------

    private void OnWriteFailed(Exception error)
    {
        var reason = new MuxCloseReason(MuxCloseKind.TransportError, "writing to the transport failed: " + error.Message, error);
        if (MarkClosed(reason))
        {
            FinishClose(reason);
        }
    }

    /// <summary>Called by the receive loop when it ends, for whatever reason.</summary>
    private void Terminate(MuxCloseReason reason)
    {
        if (MarkClosed(reason))
        {
            if (reason.Kind == MuxCloseKind.ProtocolError)
            {
                // Give the GoAway a moment to leave before the transport closes.
                _ = FinishCloseAfterFlushAsync(reason);
                return;
            }

            FinishClose(reason);
        }
        else
        {
            FinishClose(_closeReason!);
        }
    }

    private async Task FinishCloseAfterFlushAsync(MuxCloseReason reason)
    {
        try
        {
            await _writer.WhenIdleAsync().WaitAsync(Options.CloseTimeout, TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        FinishClose(reason);
    }

    /// <summary>First step of closing: records the reason and fails every stream and waiter.</summary>
    private bool MarkClosed(MuxCloseReason reason)
    {
        var error = new MuxSessionClosedException(reason);
        MuxStream[] streams;
        (long, TaskCompletionSource<TimeSpan> Completion)[] pings;
        lock (_lock)
        {
            // The reason is set before the session is marked closed, under the lock, so whoever
            // finds it closed also finds the reason.
            if (_closed == 1)
            {
                return false;
            }

            _closeReason = reason;
            _closedException = error;
            Volatile.Write(ref _closed, 1);
            streams = [.. _streams.Values];
            _streams.Clear();
            pings = [.. _pings.Values];
            _pings.Clear();
        }

        if (reason.Kind is not MuxCloseKind.LocalClose and not MuxCloseKind.RemoteClose)
        {
            Log.SessionEnded(_logger, reason.Kind, reason.Message);
        }

        _keepAliveTimer?.Dispose();
        _keepAliveTimeoutTimer?.Dispose();
        foreach (var stream in streams)
        {
            stream.OnSessionClosed(error);
        }

        foreach (var ping in pings)
        {
            ping.Completion.TrySetException(error);
        }

        // Wake every opener waiting for a slot; they find the session closed.
        _openSlots.Release(Options.AcceptBacklog + 1024);
        _acceptQueue.Writer.TryComplete();
        while (_acceptQueue.Reader.TryRead(out var pending))
        {
            pending.OnSessionClosed(error);
        }

        return true;
    }

    /// <summary>Second step: stops the writer and closes the transport, then completes <see cref="Completion"/>.</summary>
    private void FinishClose(MuxCloseReason reason)
    {
        _writer.Fail(_closedException ?? new MuxSessionClosedException(reason));
        try
        {
            _transport.Dispose();
        }
        catch (Exception ex)
        {
            Log.TransportDisposeFailed(_logger, ex);
        }

        _completion.TrySetResult(reason);
    }

    private MuxSessionClosedException ClosedException()
    {
        lock (_lock)
        {
            Debug.Assert(_closedException is not null);
            return _closedException ?? new MuxSessionClosedException(new MuxCloseReason(MuxCloseKind.LocalClose, "closed"));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Mux protocol violation by the peer: {Violation}")]
        public static partial void ProtocolViolation(ILogger logger, string violation);

        [LoggerMessage(2, LogLevel.Debug, "Rejected new stream {StreamId}: going away or stream limit reached")]
        public static partial void StreamRejected(ILogger logger, uint streamId);

        [LoggerMessage(3, LogLevel.Warning, "Accept backlog of {Backlog} is full; reset stream {StreamId}")]
        public static partial void AcceptBacklogFull(ILogger logger, uint streamId, int backlog);

        [LoggerMessage(4, LogLevel.Debug, "The peer sent GoAway (normal)")]
        public static partial void RemoteGoAway(ILogger logger);

        [LoggerMessage(5, LogLevel.Information, "Keepalive ping unanswered for {Timeout}; closing the session")]
        public static partial void KeepAliveTimeout(ILogger logger, TimeSpan timeout);

        [LoggerMessage(6, LogLevel.Debug, "Mux session ended ({Kind}): {Message}")]
        public static partial void SessionEnded(ILogger logger, MuxCloseKind kind, string message);

        [LoggerMessage(7, LogLevel.Debug, "Closing the transport failed")]
        public static partial void TransportDisposeFailed(ILogger logger, Exception exception);
    }
}
