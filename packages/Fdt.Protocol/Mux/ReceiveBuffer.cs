using System.Buffers;

namespace Fdt.Protocol.Mux;

/// <summary>
/// Bytes received for one stream and not yet read, kept in pooled segments that are returned as
/// soon as they are consumed, so an idle stream holds no buffer. Not thread-safe: the stream locks.
/// </summary>
internal sealed class ReceiveBuffer
{
    private const int MinSegmentSize = 4096;
    private const int MaxSegmentSize = 64 * 1024;

    private Segment[] _segments = new Segment[2];
    private int _head;
    private int _count;

    public int Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_count > 0)
            {
                ref var tail = ref _segments[(_head + _count - 1) % _segments.Length];
                var room = tail.Array.Length - tail.End;
                if (room > 0)
                {
                    var take = Math.Min(room, data.Length);
                    data[..take].CopyTo(tail.Array.AsSpan(tail.End));
                    tail.End += take;
                    Length += take;
                    data = data[take..];
                    continue;
                }
            }

            var size = Math.Clamp(data.Length, MinSegmentSize, MaxSegmentSize);
            AddSegment(new Segment { Array = ArrayPool<byte>.Shared.Rent(size) });
        }
    }

    public int CopyTo(Span<byte> destination)
    {
        var copied = 0;
        while (_count > 0 && copied < destination.Length)
        {
            ref var head = ref _segments[_head];
            var take = Math.Min(head.End - head.Start, destination.Length - copied);
            head.Array.AsSpan(head.Start, take).CopyTo(destination[copied..]);
            head.Start += take;
            copied += take;
            if (head.Start == head.End)
            {
                ArrayPool<byte>.Shared.Return(head.Array);
                head = default;
                _head = (_head + 1) % _segments.Length;
                _count--;
            }
        }

        Length -= copied;
        return copied;
    }

    public void Clear()
    {
        while (_count > 0)
        {
            ref var head = ref _segments[_head];
            ArrayPool<byte>.Shared.Return(head.Array);
            head = default;
            _head = (_head + 1) % _segments.Length;
            _count--;
        }

        Length = 0;
    }

    private void AddSegment(Segment segment)
    {
        if (_count == _segments.Length)
        {
            var grown = new Segment[_segments.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                grown[i] = _segments[(_head + i) % _segments.Length];
            }

            _segments = grown;
            _head = 0;
        }

        _segments[(_head + _count) % _segments.Length] = segment;
        _count++;
    }

    private struct Segment
    {
        public byte[] Array;
        public int Start;
        public int End;
    }
}
