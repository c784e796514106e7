using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Fdt.Protocol.Transport;

namespace Fdt.Protocol.Mux;

/// <summary>
/// Serialises frames from every stream onto the transport. Frames are encoded into a pooled batch
/// buffer; whichever caller finds the writer idle starts the flush loop, and frames queued while a
/// transport write is in flight go out together in the next one (one syscall for many frames
/// under load, an immediate write when idle). Data frames wait while the queue is above the high
/// watermark; control frames never wait, so window updates and pings cannot deadlock behind data.
/// The batch buffer is returned to the pool whenever the queue empties.
/// <para>
/// When the transport is a plain socket, a large write that finds the writer idle is sent with
/// one gathering send (frame headers and the caller's payload, uncopied) and completes once sent:
/// copying a bulk payload into the batch buffer cost a tenth of the sender's CPU.
/// </para>
/// </summary>
internal sealed class FrameWriter
{
    private const int InitialBufferSize = 16 * 1024;

    /// <summary>Payloads from this size up are sent without copying when the writer is idle.</summary>
    internal const int GatherThreshold = 32 * 1024;

    private readonly Stream _transport;
    private readonly Socket? _socket;
    private readonly int _highWatermark;
    private readonly Action<Exception> _onFailure;
    private readonly Lock _lock = new();

    private byte[]? _buffer;
    private int _count;
    private bool _flushing;
    private Exception? _failure;
    private List<TaskCompletionSource>? _spaceWaiters;
    private TaskCompletionSource? _idle;
    private long _gatheredWrites;

    public FrameWriter(Stream transport, int highWatermark, Action<Exception> onFailure)
    {
        _transport = transport;
        _socket = transport switch
        {
            NetworkStream network => network.Socket,
            UpgradedSocketStream upgraded => upgraded.Socket,
            _ => null,
        };
        _highWatermark = highWatermark;
        _onFailure = onFailure;
    }

    /// <summary>How many writes went out by gathering send, uncopied (diagnostics and tests).</summary>
    public long GatheredWrites => Interlocked.Read(ref _gatheredWrites);

    /// <summary>Queues a frame without payload. Never waits; dropped silently once the writer failed.</summary>
    public void WriteControl(FrameHeader header)
    {
        if (EnqueueControl(header))
        {
            StartFlush();
        }
    }

    /// <summary>
    /// Queues a frame without payload but leaves starting the flush to the caller (who calls
    /// <see cref="StartFlush"/> when this returns true), so frames can be queued in order under
    /// the caller's lock without writing to the transport while holding it.
    /// </summary>
    public bool EnqueueControl(FrameHeader header)
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                return false;
            }

            var span = Reserve(FrameHeader.Size);
            header.WriteTo(span);
            return StartFlushLocked();
        }
    }

    /// <summary>
    /// Starts the flush loop after <see cref="EnqueueControl"/> returned true. It runs inline on
    /// the caller's thread: measured on loopback, deferring it to a thread-pool work item to
    /// coalesce more frames cost more (one more thread hop per flush) than the syscalls it saved.
    /// </summary>
    public void StartFlush() => _ = FlushLoopAsync();

    /// <summary>
    /// Queues <paramref name="payload"/> as consecutive data frames of at most
    /// <paramref name="maxFramePayload"/> bytes for <paramref name="streamId"/>, waiting first while
    /// the queue is above the high watermark. All the frames go out in one transport write.
    /// </summary>
    public ValueTask WriteDataAsync(uint streamId, ReadOnlyMemory<byte> payload, int maxFramePayload, CancellationToken cancellationToken)
    {
        TaskCompletionSource? waiter = null;
        bool start = false;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return ValueTask.FromException(_failure);
            }

            if (!_flushing && _socket is not null && payload.Length >= GatherThreshold
                && MemoryMarshal.TryGetArray(payload, out var segment))
            {
                // Idle (so nothing is queued): this write goes out first, straight from the caller's buffer.
                _flushing = true;
                return GatherWriteAsync(_socket, streamId, segment, maxFramePayload);
            }

            if (_count < _highWatermark)
            {
                var frames = (payload.Length + maxFramePayload - 1) / maxFramePayload;
                var span = Reserve((frames * FrameHeader.Size) + payload.Length);
                var remaining = payload.Span;
                while (!remaining.IsEmpty)
                {
                    var length = Math.Min(remaining.Length, maxFramePayload);
                    new FrameHeader(FrameType.Data, FrameFlags.None, streamId, (uint)length).WriteTo(span);
                    remaining[..length].CopyTo(span[FrameHeader.Size..]);
                    span = span[(FrameHeader.Size + length)..];
                    remaining = remaining[length..];
                }

                start = StartFlushLocked();
            }
            else
            {
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                (_spaceWaiters ??= []).Add(waiter);
            }
        }

        if (waiter is null)
        {
            if (start)
            {
                StartFlush();
            }

            return ValueTask.CompletedTask;
        }

        return WaitForSpaceThenWriteAsync(waiter, streamId, payload, maxFramePayload, cancellationToken);
    }

    /// <summary>Completes when everything queued so far has been written, or the writer failed.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            if (!_flushing || _failure is not null)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    /// <summary>Stops the writer: queued frames are dropped and waiting writers fail with <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        List<TaskCompletionSource>? waiters;
        TaskCompletionSource? idle;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = error;
            waiters = _spaceWaiters;
            _spaceWaiters = null;
            idle = _idle;
            _idle = null;
            if (!_flushing && _buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
                _count = 0;
            }
        }

        if (waiters is not null)
        {
            foreach (var waiter in waiters)
            {
                waiter.TrySetException(error);
            }
        }

        idle?.TrySetResult();
    }

    private async ValueTask GatherWriteAsync(Socket socket, uint streamId, ArraySegment<byte> payload, int maxFramePayload)
    {
        var frames = (payload.Count + maxFramePayload - 1) / maxFramePayload;
        var headers = ArrayPool<byte>.Shared.Rent(frames * FrameHeader.Size);
        try
        {
            var segments = new ArraySegment<byte>[frames * 2];
            for (int i = 0, offset = 0; i < frames; i++, offset += maxFramePayload)
            {
                var length = Math.Min(payload.Count - offset, maxFramePayload);
                var header = new ArraySegment<byte>(headers, i * FrameHeader.Size, FrameHeader.Size);
                new FrameHeader(FrameType.Data, FrameFlags.None, streamId, (uint)length).WriteTo(header);
                segments[2 * i] = header;
                segments[(2 * i) + 1] = payload.Slice(offset, length);
            }

            var total = (frames * FrameHeader.Size) + payload.Count;
            Interlocked.Increment(ref _gatheredWrites);
            var sent = await socket.SendAsync(segments, SocketFlags.None).ConfigureAwait(false);
            if (sent != total)
            {
                throw new IOException($"The transport accepted {sent} of {total} bytes.");
            }
        }
        catch (Exception ex)
        {
            OnTransportFailed(ex);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(headers);
        }

        // Frames queued meanwhile (or nothing: the loop then marks the writer idle).
        StartFlush();
    }

    /// <summary>A transport write failed: the writer stops, and the session is told.</summary>
    private void OnTransportFailed(Exception error)
    {
        Fail(error);
        lock (_lock)
        {
            _flushing = false;
        }

        _onFailure(error);
    }

    private async ValueTask WaitForSpaceThenWriteAsync(TaskCompletionSource waiter, uint streamId, ReadOnlyMemory<byte> payload, int maxFramePayload, CancellationToken cancellationToken)
    {
        await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await WriteDataAsync(streamId, payload, maxFramePayload, cancellationToken).ConfigureAwait(false);
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(InitialBufferSize, size));
        }
        else if (_buffer.Length - _count < size)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _count + size));
            _buffer.AsSpan(0, _count).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        var span = _buffer.AsSpan(_count, size);
        _count += size;
        return span;
    }

    private bool StartFlushLocked()
    {
        if (_flushing)
        {
            return false;
        }

        _flushing = true;
        return true;
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            byte[]? buffer = null;
            var count = 0;
            List<TaskCompletionSource>? waiters = null;
            TaskCompletionSource? idle = null;
            lock (_lock)
            {
                if (_count == 0 || _failure is not null)
                {
                    _flushing = false;
                    idle = _idle;
                    _idle = null;
                    if (_buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(_buffer);
                        _buffer = null;
                        _count = 0;
                    }
                }
                else
                {
                    buffer = _buffer!;
                    count = _count;
                    _buffer = null;
                    _count = 0;
                    waiters = _spaceWaiters;
                    _spaceWaiters = null;
                }
            }

            if (buffer is null)
            {
                idle?.TrySetResult();
                return;
            }

            if (waiters is not null)
            {
                foreach (var waiter in waiters)
                {
                    waiter.TrySetResult();
                }
            }

            try
            {
                await _transport.WriteAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
                await _transport.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                OnTransportFailed(ex);
                return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
