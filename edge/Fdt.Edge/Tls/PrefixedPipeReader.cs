using System.Buffers;
using System.IO.Pipelines;

namespace Fdt.Edge.Tls;

/// <summary>
/// A reader that first yields bytes already taken from a connection (the ClientHello the edge
/// peeked at), then the connection's own reader. A pipe's reader may not go back to bytes it has
/// examined, so bytes read to decide where a connection goes are handed on this way.
/// </summary>
internal sealed class PrefixedPipeReader(ReadOnlyMemory<byte> prefix, PipeReader inner) : PipeReader
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    private ReadOnlySequence<byte> _served;

    public override bool TryRead(out ReadResult result)
    {
        if (!_prefix.IsEmpty)
        {
            result = Serve();
            return true;
        }

        return inner.TryRead(out result);
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        => _prefix.IsEmpty ? inner.ReadAsync(cancellationToken) : ValueTask.FromResult(Serve());

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_prefix.IsEmpty)
        {
            inner.AdvanceTo(consumed, examined);
            return;
        }

        // Positions refer to the prefix sequence last served.
        _prefix = _prefix[(int)_served.Slice(0, consumed).Length..];
        _served = default;
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    private ReadResult Serve()
    {
        _served = new ReadOnlySequence<byte>(_prefix);
        return new ReadResult(_served, isCanceled: false, isCompleted: false);
    }
}
