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
/// Copies one stream to another, flushing after every write so that streamed responses
/// (server-sent events, long polling, gRPC) reach the other side as they are produced.
/// While waiting for data it holds no buffer: after a short read the buffer goes back to the pool
/// and a zero-byte read waits for the next data, so idle long-lived streams cost no memory.
/// Failures are returned, not thrown, so the caller can tell which side failed.
/// </summary>
// CA2012: each pending read below is awaited exactly once, or handed to ObserveAsync instead.
#pragma warning disable CA2012
internal static class StreamCopier
{
    private const int BufferSize = 64 * 1024;

    /// <param name="beforeWait">Called (once) the first time a read has to wait for data, e.g. to send response headers early.</param>
    public static async ValueTask<(CopyResult Result, Exception? Error)> CopyAsync(Stream source, Stream destination, Func<ValueTask>? beforeWait, CancellationToken cancellationToken)
    {
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                ValueTask<int> pending;
                if (buffer is null)
                {
                    // Wait without a buffer (streams that cannot wait this way return at once).
                    pending = source.ReadAsync(Memory<byte>.Empty, cancellationToken);
                    if (!pending.IsCompleted && await RunBeforeWaitAsync(TakeOnce(ref beforeWait)).ConfigureAwait(false) is { } failed)
                    {
                        // The pending read ends when the caller disposes the source.
                        _ = ObserveAsync(pending).AsTask();
                        return (CopyResult.DestinationError, failed);
                    }

                    try
                    {
                        await pending.ConfigureAwait(false);
                    }
                    catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
                    {
                        return (CopyResult.Canceled, ex);
                    }
                    catch (Exception ex)
                    {
                        return (CopyResult.SourceError, ex);
                    }

                    buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                }

                int read;
                try
                {
                    pending = source.ReadAsync(buffer, cancellationToken);
                    if (!pending.IsCompleted && await RunBeforeWaitAsync(TakeOnce(ref beforeWait)).ConfigureAwait(false) is { } failed)
                    {
                        _ = ObserveAsync(pending).AsTask();
                        return (CopyResult.DestinationError, failed);
                    }

                    read = await pending.ConfigureAwait(false);
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

    private static Func<ValueTask>? TakeOnce(ref Func<ValueTask>? callback)
    {
        var taken = callback;
        callback = null;
        return taken;
    }

    /// <summary>Runs the callback (if any) before a wait; returns what it failed with, or null.</summary>
    private static async ValueTask<Exception?> RunBeforeWaitAsync(Func<ValueTask>? callback)
    {
        if (callback is null)
        {
            return null;
        }

        try
        {
            await callback().ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static async ValueTask ObserveAsync(ValueTask<int> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch
        {
            // The read's outcome no longer matters.
        }
    }
}
#pragma warning restore CA2012
