using System.Buffers.Binary;

namespace Fdt.Protocol.Mux;

/// <summary>
/// The 12-byte yamux frame header: version (1), type (1), flags (2), stream id (4), length (4),
/// all big-endian.
/// </summary>
public readonly record struct FrameHeader(FrameType Type, FrameFlags Flags, uint StreamId, uint Length)
{
    /// <summary>Size of an encoded header in bytes.</summary>
    public const int Size = 12;

    /// <summary>The only protocol version yamux defines.</summary>
    public const byte ProtocolVersion = 0;

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("Destination is shorter than a frame header.", nameof(destination));
        }

        destination[0] = ProtocolVersion;
        destination[1] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Flags);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StreamId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Length);
    }

    /// <summary>
    /// Decodes a header without validating it; <paramref name="version"/> receives byte 0 so that the
    /// caller can reject unknown versions.
    /// </summary>
    public static FrameHeader Read(ReadOnlySpan<byte> source, out byte version)
    {
        if (source.Length < Size)
        {
            throw new ArgumentException("Source is shorter than a frame header.", nameof(source));
        }

        version = source[0];
        return new FrameHeader(
            (FrameType)source[1],
            (FrameFlags)BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Type} flags={Flags} stream={StreamId} length={Length}";
}
