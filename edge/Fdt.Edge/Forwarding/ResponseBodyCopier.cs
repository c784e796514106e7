using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Fdt.Edge.Forwarding;

/// <summary>
/// Copies the local service's response body into Kestrel's response pipe. Reads go straight
/// into the pipe's memory (no intermediate buffer), and the pipe is flushed only when the next
/// read would wait (or a batch is large), so bulk downloads leave in few large writes while
/// streamed responses (server-sent events, long polling) still reach the visitor the moment the
/// service stops writing. While the response is idle no buffer is held: a zero-byte read waits
/// for the next data before pipe memory is taken.
/// </summary>
internal static class ResponseBodyCopier
{
    private const int ReadSize = 256 * 1024;
    private const int MaxUnflushed = 1024 * 1024;

    // CA2012: each pending read is awaited exactly once.
#pragma warning disable CA2012
    /// <param name="capture">Receives a copy of the body as it passes (the inspector), or null.</param>
    public static async ValueTask<(CopyResult Result, Exception? Error)> CopyAsync(Stream source, PipeWriter destination, StrongBox<long> copied, CancellationToken cancellationToken, Inspection.CaptureBuffer? capture = null)
    {
        // Nothing is flushed yet, not even the response headers: the first wait sends them.
        var unflushed = -1;
        while (true)
        {
            // Wait for data without holding pipe memory; if waiting is needed, first send what
            // is already written (no pipe memory is outstanding at this point).
            var ready = source.ReadAsync(Memory<byte>.Empty, cancellationToken);
            if (!ready.IsCompleted && unflushed != 0)
            {
                if (await FlushAsync(destination, cancellationToken).ConfigureAwait(false) is { } flushResult)
                {
                    _ = Observe(ready);
                    return flushResult;
                }

                unflushed = 0;
            }

            int read;
            Memory<byte> memory;
            try
            {
                await ready.ConfigureAwait(false);
                memory = destination.GetMemory(ReadSize);
                read = await source.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return Failed(ex, CopyResult.SourceError, cancellationToken);
            }

            if (read == 0)
            {
                return unflushed != 0 && await FlushAsync(destination, cancellationToken).ConfigureAwait(false) is { } last
                    ? last
                    : (CopyResult.Completed, null);
            }

            capture?.Append(memory.Span[..read]);
            destination.Advance(read);
            copied.Value += read;
            unflushed = Math.Max(unflushed, 0) + read;
            if (unflushed >= MaxUnflushed)
            {
                if (await FlushAsync(destination, cancellationToken).ConfigureAwait(false) is { } flushResult)
                {
                    return flushResult;
                }

                unflushed = 0;
            }
        }
    }
#pragma warning restore CA2012

    /// <summary>Flushes; returns the outcome that ends the copy, or null to go on.</summary>
    private static async ValueTask<(CopyResult, Exception?)?> FlushAsync(PipeWriter destination, CancellationToken cancellationToken)
    {
        try
        {
            var result = await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            return result.IsCanceled || result.IsCompleted ? (CopyResult.DestinationError, null) : null;
        }
        catch (Exception ex)
        {
            return Failed(ex, CopyResult.DestinationError, cancellationToken);
        }
    }

    private static (CopyResult, Exception?) Failed(Exception ex, CopyResult kind, CancellationToken cancellationToken)
        => ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? (CopyResult.Canceled, ex) : (kind, ex);

    private static async Task Observe(ValueTask<int> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch
        {
            // The read's outcome no longer matters; it ends when the caller disposes the source.
        }
    }
}
