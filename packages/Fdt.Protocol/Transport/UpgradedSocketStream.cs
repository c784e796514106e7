using System.Net.Sockets;

namespace Fdt.Protocol.Transport;

/// <summary>
/// A plain-TCP connection after an HTTP/1.1 Upgrade done by an HTTP client: reads go through the
/// client's stream (it may already hold bytes received after the 101 response), writes go straight
/// to the socket, which lets the mux send frame headers and payload with one gathering send.
/// Only valid without TLS: the bytes on the socket must be the bytes of the stream.
/// </summary>
public sealed class UpgradedSocketStream : DuplexStream
{
    private readonly Stream _reads;
    private readonly IDisposable? _owner;

    /// <param name="reads">The upgraded connection's stream, as the HTTP client returned it.</param>
    /// <param name="socket">The connection's socket.</param>
    /// <param name="owner">Disposed with the stream (the HTTP handler that made the connection).</param>
    public UpgradedSocketStream(Stream reads, Socket socket, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(reads);
        ArgumentNullException.ThrowIfNull(socket);
        _reads = reads;
        Socket = socket;
        _owner = owner;
    }

    /// <summary>The connection's socket (writes go here).</summary>
    public Socket Socket { get; }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _reads.ReadAsync(buffer, cancellationToken);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var sent = await Socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            buffer = buffer[sent..];
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reads.Dispose();
            Socket.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }
}
