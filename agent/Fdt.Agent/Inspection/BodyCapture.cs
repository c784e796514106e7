namespace Fdt.Agent.Inspection;

/// <summary>
/// The first bytes of one body, copied as they pass, up to the capture limit; bytes beyond it are
/// counted only. Memory comes in segments charged to the store's bound: when the bound cannot
/// make room (other captures in flight hold it), the rest is not captured rather than waited for.
/// </summary>
internal sealed class BodyCapture
{
    private const int MinSegment = 4 * 1024;
    private const int MaxSegment = 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly CaptureStore _store;
    private readonly CapturedExchange _owner;
    private readonly int _limit;
    private readonly List<byte[]> _segments = [];
    private int _lastUsed;
    private int _captured;
    private long _size;
    private long? _expected;
    private BodyTruncation _truncation;

    internal BodyCapture(CaptureStore store, CapturedExchange owner, int limit)
    {
        _store = store;
        _owner = owner;
        _limit = limit;
    }

    /// <summary>Bytes that went through (chunked framing removed).</summary>
    public long Size
    {
        get
        {
            lock (_lock)
            {
                return _size;
            }
        }
    }

    /// <summary>Bytes kept.</summary>
    public int CapturedSize
    {
        get
        {
            lock (_lock)
            {
                return _captured;
            }
        }
    }

    public BodyTruncation Truncation
    {
        get
        {
            lock (_lock)
            {
                return _truncation;
            }
        }
    }

    public bool IsTruncated => Truncation != BodyTruncation.None;

    /// <summary>The length announced by Content-Length, so the first segment fits the body.</summary>
    internal void Expect(long? length)
    {
        lock (_lock)
        {
            _expected = length;
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            _size += data.Length;
            if (_truncation != BodyTruncation.None)
            {
                return;
            }

            var overLimit = data.Length > _limit - _captured;
            if (overLimit)
            {
                data = data[..(_limit - _captured)];
            }

            while (!data.IsEmpty)
            {
                if (_segments.Count == 0 || _lastUsed == _segments[^1].Length)
                {
                    var size = NextSegmentSize(data.Length);
                    if (!_store.TryCharge(_owner, size))
                    {
                        // No room for the whole segment: keep what a small one holds, if that fits.
                        if (size <= MinSegment || !_store.TryCharge(_owner, MinSegment))
                        {
                            _truncation = BodyTruncation.MemoryLimit;
                            return;
                        }

                        size = MinSegment;
                    }

                    _segments.Add(new byte[size]);
                    _lastUsed = 0;
                }

                var segment = _segments[^1];
                var take = Math.Min(segment.Length - _lastUsed, data.Length);
                data[..take].CopyTo(segment.AsSpan(_lastUsed));
                _lastUsed += take;
                _captured += take;
                data = data[take..];
            }

            if (overLimit)
            {
                _truncation = BodyTruncation.BodyLimit;
            }
        }
    }

    /// <summary>A copy of the bytes kept.</summary>
    public byte[] ToArray()
    {
        lock (_lock)
        {
            var result = new byte[_captured];
            var offset = 0;
            for (var i = 0; i < _segments.Count; i++)
            {
                var length = i == _segments.Count - 1 ? _lastUsed : _segments[i].Length;
                _segments[i].AsSpan(0, length).CopyTo(result.AsSpan(offset));
                offset += length;
            }

            return result;
        }
    }

    private int NextSegmentSize(int needed)
    {
        var room = _limit - _captured;

        // A known length gets one segment (up to the maximum); otherwise segments double.
        long wanted = _expected is { } expected && expected > _captured ? expected - _captured : Math.Max(MinSegment, _captured);
        wanted = Math.Max(wanted, needed);
        return (int)Math.Min(wanted, Math.Min(room, MaxSegment));
    }
}
