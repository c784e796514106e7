using Fdt.Edge.Forwarding;
using Fdt.Edge.Routing;
using Fdt.Protocol.Mux;
using Fdt.Protocol.Streams;

namespace Fdt.Edge.Tcp;

/// <summary>
/// One visitor connection carried as raw bytes (a TCP tunnel, or TLS passed through): a data
/// stream to the agent, then both directions copied until both have ended. Either end's
/// end-of-stream is passed on as a half-close; a failure on either side, the idle timeout or the
/// edge stopping ends both at once.
/// </summary>
internal sealed class RawTunnelConnection(TunnelBinding binding, EdgeOptions options)
{
    /// <summary>Opens the agent's stream; null when the agent could not reach its local service (the reply says why).</summary>
    public async Task<(MuxStream? Stream, StreamReply Reply)> OpenAsync(StreamHeader header, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StreamOpenTimeout);
        var stream = await binding.Session.Mux.OpenStreamAsync(timeout.Token);
        try
        {
            await stream.WriteAsync(header.Encode(), timeout.Token);
            var reply = await StreamReply.ReadAsync(stream, timeout.Token);
            if (reply.Status == StreamReplyStatus.Connected)
            {
                return (stream, reply);
            }

            await stream.DisposeAsync();
            return (null, reply);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Pipes the visitor's connection and <paramref name="stream"/>; true when it ended by the idle timeout.</summary>
    /// <param name="closeVisitorWrite">Half-closes the visitor's side (FIN) once the agent's side has ended.</param>
    /// <param name="abortVisitor">Ends the visitor's connection at once (RST).</param>
    public async Task<bool> PipeAsync(Stream visitorInput, Stream visitorOutput, MuxStream stream, Action closeVisitorWrite, Action abortVisitor, CancellationToken cancellationToken)
    {
        // The timer restarts with every byte moved in either direction; a broken side cancels it too.
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        done.CancelAfter(options.TcpIdleTimeout);
        var broken = false;
        async Task<bool> CopyAsync(Stream source, Stream destination, Action closeDestination, Action<int> count)
        {
            var (result, _) = await StreamCopier.CopyAsync(source, destination, done.Token, copied =>
            {
                done.CancelAfter(options.TcpIdleTimeout);
                count(copied);
            });
            try
            {
                if (result == CopyResult.Completed)
                {
                    closeDestination();
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or MuxException)
            {
            }

            broken |= result != CopyResult.Canceled;
            await done.CancelAsync();
            return false;
        }

        var up = CopyAsync(visitorInput, stream, stream.CloseWrite, n => binding.CountTraffic(n, 0));
        var down = CopyAsync(stream, visitorOutput, closeVisitorWrite, n => binding.CountTraffic(0, n));
        var clean = await Task.WhenAll(up, down);
        if (!clean[0] || !clean[1])
        {
            stream.Reset();
            abortVisitor();
        }

        return !broken && done.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
    }
}
