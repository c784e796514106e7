namespace Fdt.Edge.Inspection;

/// <summary>
/// The first <see cref="Limit"/> bytes of a body, copied as they pass through the edge; beyond
/// the limit only the length is counted. Appending never waits and never fails.
/// </summary>
public sealed class CaptureBuffer
{
    private byte[] _bytes = [];
    private int _kept;

    public CaptureBuffer(int limit) => Limit = Math.Max(0, limit);

    /// <summary>The most bytes kept.</summary>
    public int Limit { get; }

    /// <summary>Every byte that passed, kept or not.</summary>
    public long Length { get; private set; }

    /// <summary>Whether bytes beyond <see cref="Limit"/> were dropped.</summary>
    public bool Truncated => Length > _kept;

    /// <summary>Server-sent events seen (blank-line separated), when <see cref="CountEvents"/> is set.</summary>
    public int Events { get; private set; }

    /// <summary>Count server-sent events as the body passes.</summary>
    public bool CountEvents { get; set; }

    private byte _last;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Length += data.Length;
        if (CountEvents)
        {
            // An event ends with an empty line: "\n\n" (a "\r" before either "\n" is allowed).
            var previous = _last;
            foreach (var b in data)
            {
                if (b == (byte)'\n' && previous == (byte)'\n')
                {
                    Events++;
                }

                if (b != (byte)'\r')
                {
                    previous = b;
                }
            }

            _last = previous;
        }

        var room = Limit - _kept;
        if (room <= 0)
        {
            return;
        }

        var take = Math.Min(room, data.Length);
        if (_kept + take > _bytes.Length)
        {
            Array.Resize(ref _bytes, (int)Math.Min(Limit, Math.Max(_kept + take, Math.Max(4096, (long)_bytes.Length * 2))));
        }

        data[..take].CopyTo(_bytes.AsSpan(_kept));
        _kept += take;
    }

    /// <summary>The kept bytes.</summary>
    public ReadOnlyMemory<byte> Kept => _bytes.AsMemory(0, _kept);
}
