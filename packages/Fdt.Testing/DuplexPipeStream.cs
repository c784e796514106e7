using System.Buffers;
using System.IO.Pipelines;
using Fdt.Protocol.Transport;

namespace Fdt.Testing;

/// <summary>
/// One end of an in-memory full-duplex connection (see <see cref="CreatePair"/>). Writes wait when
/// the peer has not read <c>capacity</c> bytes yet, like a socket with a full send buffer.
/// <see cref="Disconnect"/> simulates a network cut: both ends fail.
/// </summary>
public sealed class DuplexPipeStream : DuplexStream
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private DuplexPipeStream? _peer;
    private int _disposed;

    private DuplexPipeStream(PipeReader input, PipeWriter output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>Total bytes written through this end.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Creates two connected ends.</summary>
    public static (DuplexPipeStream A, DuplexPipeStream B) CreatePair(long capacity = 1024 * 1024)
    {
        var options = new PipeOptions(pauseWriterThreshold: capacity, resumeWriterThreshold: capacity / 2, useSynchronizationContext: false);
        var aToB = new Pipe(options);
        var bToA = new Pipe(options);
        var a = new DuplexPipeStream(bToA.Reader, aToB.Writer);
        var b = new DuplexPipeStream(aToB.Reader, bToA.Writer);
        a._peer = b;
        b._peer = a;
        return (a, b);
    }

    /// <summary>Cuts the connection: pending and later operations on both ends fail with an <see cref="IOException"/>.</summary>
    public void Disconnect()
    {
        var error = new IOException("The connection was cut.");
        _output.Complete(error);
        _input.Complete(error);
        if (_peer is not null)
        {
            _peer._output.Complete(error);
            _peer._input.Complete(error);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ReadResult result;
        try
        {
            result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException) when (Volatile.Read(ref _disposed) == 1)
        {
            throw new ObjectDisposedException(nameof(DuplexPipeStream));
        }

        var data = result.Buffer;
        if (data.IsEmpty && result.IsCompleted)
        {
            _input.AdvanceTo(data.End);
            return 0;
        }

        var take = (int)Math.Min(buffer.Length, data.Length);
        var slice = data.Slice(0, take);
        slice.CopyTo(buffer.Span);
        _input.AdvanceTo(slice.End);
        return take;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await _output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The peer closed the connection.");
        }

        BytesWritten += buffer.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _output.Complete();
            _input.Complete();
        }

        base.Dispose(disposing);
    }
}
