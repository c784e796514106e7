using System.Diagnostics;
using System.Runtime.CompilerServices;
using Fdt.Protocol.Transport;

namespace Fdt.Protocol.Mux;

/// <summary>
/// One multiplexed stream: a full-duplex <see cref="Stream"/> with per-stream flow control.
/// <para>
/// Reads return buffered data first; end of stream (0) follows the peer's FIN. A reset by the peer
/// surfaces as <see cref="MuxException"/> with <see cref="MuxError.StreamReset"/> once buffered data
/// is consumed. <see cref="CloseWrite"/> half-closes (FIN); <see cref="Reset"/> aborts (RST).
/// Disposing sends FIN if the write side is open, and RST if the peer's side has not finished,
/// so a peer that keeps writing is told at once instead of stalling on a window that never opens.
/// </para>
/// One reader and one writer may use the stream concurrently; concurrent reads (or writes) are not supported.
/// </summary>
public sealed class MuxStream : DuplexStream
{
    /// <summary>Largest slice of one write that goes to the session's writer at once (frames of at most MaxFramePayload each).</summary>
    private const int MaxWriteBatch = 1024 * 1024;

    private readonly MuxSession _session;
    private readonly Lock _lock = new();
    private readonly ReceiveBuffer _received = new();
    private readonly AsyncWaiter _readWaiter = new();
    private readonly AsyncWaiter _windowWaiter = new();

    // Receive side: _receiveWindow is what the peer may still send; _targetWindow is the window we
    // grant (256 KiB, growing up to MuxOptions.MaxStreamWindow for high bandwidth-delay paths).
    private long _receiveWindow = MuxOptions.InitialStreamWindow;
    private long _targetWindow = MuxOptions.InitialStreamWindow;
    private long _lastWindowUpdateTimestamp;

    // A reader waiting with a buffer gets the next payload copied straight into it by the receive
    // loop (one copy fewer than going through _received); _delivered is how much it got.
    private Memory<byte> _pendingRead;
    private int _delivered;
    private int _directDeliveries;

    // Send side.
    private long _sendWindow = MuxOptions.InitialStreamWindow;

    private bool _remoteFin;
    private bool _localFin;
    private bool _resetByPeer;
    private bool _resetLocally;
    private bool _disposed;
    private bool _removed;
    private int _acknowledged;
    private Exception? _sessionError;
    private long _bytesRead;
    private long _bytesWritten;

    internal MuxStream(MuxSession session, uint id, bool openedLocally)
    {
        _session = session;
        Id = id;
        OpenedLocally = openedLocally;
        _lastWindowUpdateTimestamp = session.TimeProvider.GetTimestamp();
    }

    /// <summary>The yamux stream identifier (odd when opened by the client side, even by the server).</summary>
    public uint Id { get; }

    /// <summary>Whether this side opened the stream.</summary>
    public bool OpenedLocally { get; }

    /// <summary>The session the stream belongs to.</summary>
    public MuxSession Session => _session;

    /// <summary>Total payload bytes read by the application.</summary>
    public long BytesRead => Volatile.Read(ref _bytesRead);

    /// <summary>Total payload bytes written by the application.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>The receive window currently granted to the peer (grows on fast paths).</summary>
    public long ReceiveWindowSize
    {
        get
        {
            lock (_lock)
            {
                return _targetWindow;
            }
        }
    }

    /// <summary>Payloads copied by the receive loop straight into a waiting reader's buffer (diagnostics and tests).</summary>
    internal int DirectDeliveries
    {
        get
        {
            lock (_lock)
            {
                return _directDeliveries;
            }
        }
    }

    /// <summary>Bytes received and not yet read.</summary>
    public int BufferedBytes
    {
        get
        {
            lock (_lock)
            {
                return _received.Length;
            }
        }
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        uint update;
        int read;
        ValueTask armed;
        lock (_lock)
        {
            if (_received.Length == 0)
            {
                if (IsReadFinishedLocked(out var error))
                {
                    return error is null ? ValueTask.FromResult(0) : ValueTask.FromException<int>(error);
                }

                armed = _readWaiter.Arm();
                _pendingRead = buffer;
                goto Wait;
            }

            if (buffer.Length == 0)
            {
                return ValueTask.FromResult(0);
            }

            read = _received.CopyTo(buffer.Span);
            update = ComputeWindowUpdateLocked();
        }

        Interlocked.Add(ref _bytesRead, read);
        if (update > 0)
        {
            _session.SendWindowUpdate(Id, update);
        }

        return ValueTask.FromResult(read);

    Wait:
        return ReadSlowAsync(buffer, armed, cancellationToken);
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (!buffer.IsEmpty)
        {
            int chunk;
            ValueTask wait = default;
            var mustWait = false;
            lock (_lock)
            {
                ThrowIfCannotWriteLocked();
                if (_sendWindow == 0)
                {
                    wait = _windowWaiter.Arm();
                    mustWait = true;
                    chunk = 0;
                }
                else
                {
                    // Several frames' worth at once (one transport write), bounded so that one
                    // stream cannot fill the session's write queue far beyond its watermark.
                    chunk = (int)Math.Min(Math.Min(_sendWindow, buffer.Length), MaxWriteBatch);
                    _sendWindow -= chunk;
                }
            }

            if (mustWait)
            {
                _session.OnFlowControlStall();
                await _windowWaiter.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await _session.SendDataAsync(Id, buffer[..chunk], cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _bytesWritten, chunk);
            buffer = buffer[chunk..];
        }
    }

    /// <summary>Half-closes the stream: sends FIN; the peer reads end of stream after the data already written.</summary>
    public void CloseWrite()
    {
        bool remove;
        lock (_lock)
        {
            if (_localFin || _resetLocally || _resetByPeer || _sessionError is not null)
            {
                return;
            }

            _localFin = true;
            remove = _remoteFin;
        }

        _session.SendControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Fin, Id, 0));
        if (remove)
        {
            Remove();
        }
    }

    /// <summary>Aborts the stream in both directions: sends RST and fails pending operations.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            if (_resetLocally || _resetByPeer || _sessionError is not null || (_localFin && _remoteFin))
            {
                return;
            }

            _resetLocally = true;
            _received.Clear();
            var error = new MuxException(MuxError.StreamReset, $"Stream {Id} was reset locally.");
            _readWaiter.TryFail(error);
            _windowWaiter.TryFail(error);
        }

        _session.SendControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Rst, Id, 0));
        Remove();
    }

    /// <inheritdoc />
    public override string ToString() => $"MuxStream({Id})";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            bool sendFin;
            bool sendRst;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                var open = !_resetLocally && !_resetByPeer && _sessionError is null;
                sendFin = open && !_localFin;
                sendRst = open && !_remoteFin;
                _localFin = true;
                _received.Clear();
                var error = new ObjectDisposedException(nameof(MuxStream));
                _readWaiter.TryFail(error);
                _windowWaiter.TryFail(error);
                if (sendRst)
                {
                    _resetLocally = true;
                }
            }

            if (sendFin)
            {
                _session.SendControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Fin, Id, 0));
            }

            if (sendRst)
            {
                _session.SendControl(new FrameHeader(FrameType.WindowUpdate, FrameFlags.Rst, Id, 0));
            }

            Remove();
        }

        base.Dispose(disposing);
    }

    // ---- Called by the session's receive loop -------------------------------------------------

    /// <summary>True the first time only: the peer acknowledged the stream (or it ended before).</summary>
    internal bool MarkAcknowledged() => Interlocked.Exchange(ref _acknowledged, 1) == 0;

    /// <summary>Accounts a data frame header; false if it exceeds the window granted (a protocol error).</summary>
    internal bool TryReserveReceive(uint length)
    {
        lock (_lock)
        {
            if (length > _receiveWindow)
            {
                return false;
            }

            _receiveWindow -= length;
            return true;
        }
    }

    /// <summary>Delivers (part of) a data frame's payload.</summary>
    internal void OnData(ReadOnlySpan<byte> payload)
    {
        bool wake;
        lock (_lock)
        {
            if (_disposed || _resetLocally || _remoteFin)
            {
                return;
            }

            if (!_pendingRead.IsEmpty && _delivered == 0 && _received.Length == 0 && _readWaiter.IsArmed)
            {
                var take = Math.Min(payload.Length, _pendingRead.Length);
                payload[..take].CopyTo(_pendingRead.Span);
                _delivered = take;
                _directDeliveries++;
                _pendingRead = default;
                payload = payload[take..];
            }

            if (!payload.IsEmpty)
            {
                _received.Append(payload);
            }

            wake = _readWaiter.IsArmed;
        }

        // Outside the lock: with inline completions the reader runs here, on the receive loop.
        if (wake)
        {
            _readWaiter.TrySignal(_session.Options.InlineReadCompletions);
        }
    }

    internal void OnRemoteFin()
    {
        bool remove;
        lock (_lock)
        {
            if (_remoteFin)
            {
                return;
            }

            _remoteFin = true;
            remove = _localFin;
            _readWaiter.TrySignal();
        }

        if (remove)
        {
            Remove();
        }
    }

    internal void OnRemoteReset()
    {
        lock (_lock)
        {
            if (_resetByPeer || _resetLocally)
            {
                return;
            }

            _resetByPeer = true;
            var error = new MuxException(MuxError.StreamReset, $"Stream {Id} was reset by the peer.");
            if (!_remoteFin)
            {
                _readWaiter.TrySignal();
            }

            _windowWaiter.TryFail(error);
        }

        Remove();
    }

    /// <summary>Adds send window; false if the window would overflow (a protocol error).</summary>
    internal bool OnWindowUpdate(uint delta)
    {
        lock (_lock)
        {
            var window = _sendWindow + delta;
            if (window > uint.MaxValue)
            {
                return false;
            }

            _sendWindow = window;
            if (delta > 0)
            {
                _windowWaiter.TrySignal();
            }

            return true;
        }
    }

    internal void OnSessionClosed(MuxSessionClosedException error)
    {
        lock (_lock)
        {
            if (_sessionError is not null)
            {
                return;
            }

            _sessionError = error;
            _removed = true;
            _readWaiter.TrySignal();
            _windowWaiter.TryFail(error);
        }
    }

    // ---- Internals --------------------------------------------------------------------------

    /// <summary>
    /// With nothing buffered: whether reading has reached its end; <paramref name="error"/> is null
    /// for end of stream, otherwise what the read fails with.
    /// </summary>
    private bool IsReadFinishedLocked(out Exception? error)
    {
        error = null;
        if (_remoteFin)
        {
            return true;
        }

        if (_disposed)
        {
            error = new ObjectDisposedException(nameof(MuxStream));
        }
        else if (_resetLocally)
        {
            error = new MuxException(MuxError.StreamReset, $"Stream {Id} was reset locally.");
        }
        else if (_resetByPeer)
        {
            error = new MuxException(MuxError.StreamReset, $"Stream {Id} was reset by the peer.");
        }
        else if (_sessionError is not null)
        {
            error = _sessionError;
        }

        return error is not null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadSlowAsync(Memory<byte> buffer, ValueTask armed, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _readWaiter.WaitAsync(armed, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_lock)
                {
                    _pendingRead = default;
                    if (_delivered == 0)
                    {
                        throw;
                    }
                }

                // The payload reached the buffer as the read was canceled: the read returns it.
            }

            uint update;
            int read;
            lock (_lock)
            {
                _pendingRead = default;
                read = _delivered;
                _delivered = 0;
                if (read == 0 && _received.Length == 0)
                {
                    if (IsReadFinishedLocked(out var error))
                    {
                        return error is null ? 0 : throw error;
                    }

                    armed = _readWaiter.Arm();
                    _pendingRead = buffer;
                    continue;
                }

                if (buffer.Length == 0)
                {
                    return 0;
                }

                read += _received.CopyTo(buffer.Span[read..]);
                update = ComputeWindowUpdateLocked();
            }

            Interlocked.Add(ref _bytesRead, read);
            if (update > 0)
            {
                _session.SendWindowUpdate(Id, update);
            }

            return read;
        }
    }

    /// <summary>
    /// After a read: how much window to grant back. Updates go out once half the target window is
    /// free (as yamux does). If the peer used up half a window in less than two round trips, the
    /// window limits throughput, so the target doubles up to <see cref="MuxOptions.MaxStreamWindow"/>.
    /// </summary>
    private uint ComputeWindowUpdateLocked()
    {
        if (_remoteFin || _resetByPeer || _resetLocally || _sessionError is not null)
        {
            return 0;
        }

        var delta = _targetWindow - _received.Length - _receiveWindow;
        if (delta < _targetWindow / 2)
        {
            return 0;
        }

        var now = _session.TimeProvider.GetTimestamp();
        var max = _session.Options.MaxStreamWindow;
        if (_targetWindow < max)
        {
            var rtt = _session.SmoothedRttTicks;
            if (rtt > 0 && now - _lastWindowUpdateTimestamp < 2 * rtt)
            {
                var grown = Math.Min(_targetWindow * 2, max);
                delta += grown - _targetWindow;
                _targetWindow = grown;
            }
        }

        _lastWindowUpdateTimestamp = now;
        _receiveWindow += delta;
        Debug.Assert(_receiveWindow + _received.Length <= _targetWindow);
        return (uint)delta;
    }

    private void ThrowIfCannotWriteLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_resetLocally)
        {
            throw new MuxException(MuxError.StreamReset, $"Stream {Id} was reset locally.");
        }

        if (_resetByPeer)
        {
            throw new MuxException(MuxError.StreamReset, $"Stream {Id} was reset by the peer.");
        }

        if (_sessionError is not null)
        {
            throw _sessionError;
        }

        if (_localFin)
        {
            throw new MuxException(MuxError.StreamClosed, $"Stream {Id} is closed for writing.");
        }
    }

    private void Remove()
    {
        lock (_lock)
        {
            if (_removed)
            {
                return;
            }

            _removed = true;
        }

        _session.RemoveStream(this);
    }
}
