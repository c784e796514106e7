using System.Buffers;

namespace Fdt.Edge.Forwarding;

/// <summary>How a copy ended.</summary>
internal enum CopyResult
{
    /// <summary>The source reached its end.</summary>
    Completed,

    /// <summary>Reading the source failed.</summary>
    SourceError,

    /// <summary>Writing the destination failed.</summary>
    DestinationError,

    /// <summary>The copy was canceled.</summary>
    Canceled,
}

/// <summary>
/// Copies one direction of an upgraded (WebSocket) or raw (TCP, TLS passthrough) connection, flushing after every write so
/// messages are never held back. While waiting for data it holds no buffer: after a short read
/// the buffer goes back to the pool and a zero-byte read waits for the next data, so idle
/// long-lived connections cost no memory. Failures are returned, not thrown, so the caller can
/// tell which side failed.
/// </summary>
internal static class StreamCopier
{
    private const int BufferSize = 64 * 1024;

    /// <param name="copied">Called with the byte count after each write (counters, idle timers).</param>
    public static async ValueTask<(CopyResult Result, Exception? Error)> CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken, Action<int>? copied = null, Fdt.Protocol.WebSockets.WebSocketFrameCounter? frames = null)
    {
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    if (buffer is null)
                    {
                        await source.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                        buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                    }

                    read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
                {
                    return (CopyResult.Canceled, ex);
                }
                catch (Exception ex)
                {
                    return (CopyResult.SourceError, ex);
                }

                if (read == 0)
                {
                    return (CopyResult.Completed, null);
                }

                frames?.Feed(buffer.AsSpan(0, read));

                try
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
                {
                    return (CopyResult.Canceled, ex);
                }
                catch (Exception ex)
                {
                    return (CopyResult.DestinationError, ex);
                }

                copied?.Invoke(read);
                if (read < buffer.Length)
                {
                    // Probably drained: release the buffer while waiting for more.
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
