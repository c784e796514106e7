using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Fdt.Edge.Tls;

/// <summary>What reading the start of a TLS connection found.</summary>
internal enum ClientHelloStatus
{
    /// <summary>More bytes are needed.</summary>
    Incomplete,

    /// <summary>A whole ClientHello was read; <c>ServerName</c> is its SNI host name, if it had one.</summary>
    Complete,

    /// <summary>The bytes are not a TLS ClientHello (or exceed the size limit).</summary>
    Invalid,
}

/// <summary>
/// Reads the server name (SNI, RFC 6066) from a TLS ClientHello without consuming anything: the
/// caller decides afterwards whether the connection is terminated here or passed through. The
/// handshake message may span several records; it is reassembled up to <see cref="MaxHandshakeLength"/>.
/// Every length is checked against what is present before it is used.
/// </summary>
internal static class TlsClientHello
{
    /// <summary>The largest ClientHello accepted (post-quantum key shares make them 1.5-2 KiB; 16 KiB leaves room).</summary>
    public const int MaxHandshakeLength = 16 * 1024;

    private const byte HandshakeRecord = 22;
    private const byte ClientHelloType = 1;
    private const int RecordHeaderLength = 5;
    private const ushort ServerNameExtension = 0;

    /// <summary>Parses <paramref name="buffer"/>; <paramref name="length"/> is how many bytes the ClientHello's records take.</summary>
    public static ClientHelloStatus TryRead(ReadOnlySequence<byte> buffer, out string? serverName, out long length)
    {
        serverName = null;
        length = 0;

        // Reassemble the handshake message from the records that carry it. Nothing is copied (or
        // allocated) until a whole record is there, so a client trickling bytes costs no work.
        byte[]? handshake = null;
        var handshakeLength = 0;
        var reader = new SequenceReader<byte>(buffer);
        int? messageLength = null;
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        while (true)
        {
            if (!reader.TryCopyTo(header))
            {
                return buffer.Length >= RecordHeaderLength ? ClientHelloStatus.Invalid : ClientHelloStatus.Incomplete;
            }

            // A handshake record, TLS 1.x framing (major version 3), a sensible length.
            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
            if (header[0] != HandshakeRecord || header[1] != 3 || recordLength is 0 or > 16384)
            {
                return ClientHelloStatus.Invalid;
            }

            if (reader.Remaining < RecordHeaderLength + recordLength)
            {
                return ClientHelloStatus.Incomplete;
            }

            reader.Advance(RecordHeaderLength);
            handshake ??= new byte[Math.Min(MaxHandshakeLength + 4, (int)Math.Min(buffer.Length, int.MaxValue))];
            if (handshakeLength + recordLength > handshake.Length)
            {
                return ClientHelloStatus.Invalid;
            }

            reader.TryCopyTo(handshake.AsSpan(handshakeLength, recordLength));
            reader.Advance(recordLength);
            handshakeLength += recordLength;
            if (messageLength is null && handshakeLength >= 4)
            {
                if (handshake[0] != ClientHelloType)
                {
                    return ClientHelloStatus.Invalid;
                }

                messageLength = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];
                if (messageLength > MaxHandshakeLength)
                {
                    return ClientHelloStatus.Invalid;
                }
            }

            if (messageLength is { } total && handshakeLength >= 4 + total)
            {
                length = reader.Consumed;
                return ParseBody(handshake.AsSpan(4, total), out serverName) ? ClientHelloStatus.Complete : ClientHelloStatus.Invalid;
            }

            if (reader.Remaining == 0)
            {
                return ClientHelloStatus.Incomplete;
            }
        }
    }

    private static bool ParseBody(ReadOnlySpan<byte> body, out string? serverName)
    {
        serverName = null;

        // client_version (2), random (32), session_id <0..32>, cipher_suites <2..2^16-2>, compression_methods <1..2^8-1>.
        if (!Skip(ref body, 2 + 32) || !SkipVector(ref body, 1) || !SkipVector(ref body, 2) || !SkipVector(ref body, 1))
        {
            return false;
        }

        if (body.IsEmpty)
        {
            // No extensions at all (old clients): a valid hello without SNI.
            return true;
        }

        if (!TryVector(ref body, 2, out var extensions) || !body.IsEmpty)
        {
            return false;
        }

        while (!extensions.IsEmpty)
        {
            if (extensions.Length < 4)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            extensions = extensions[2..];
            if (!TryVector(ref extensions, 2, out var data))
            {
                return false;
            }

            if (type == ServerNameExtension)
            {
                return TryServerName(data, out serverName);
            }
        }

        return true;
    }

    private static bool TryServerName(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        if (!TryVector(ref data, 2, out var list) || !data.IsEmpty)
        {
            return false;
        }

        while (!list.IsEmpty)
        {
            var nameType = list[0];
            list = list[1..];
            if (!TryVector(ref list, 2, out var name))
            {
                return false;
            }

            // host_name (0): ASCII letters, digits, hyphens and dots, at most 253 characters.
            if (nameType == 0)
            {
                if (name.IsEmpty || name.Length > 253)
                {
                    return false;
                }

                foreach (var c in name)
                {
                    if (c is not ((>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.'))
                    {
                        return false;
                    }
                }

                serverName = Encoding.ASCII.GetString(name).ToLowerInvariant();
                return true;
            }
        }

        return true;
    }

    private static bool Skip(ref ReadOnlySpan<byte> span, int count)
    {
        if (span.Length < count)
        {
            return false;
        }

        span = span[count..];
        return true;
    }

    private static bool SkipVector(ref ReadOnlySpan<byte> span, int lengthSize) => TryVector(ref span, lengthSize, out _);

    private static bool TryVector(ref ReadOnlySpan<byte> span, int lengthSize, out ReadOnlySpan<byte> vector)
    {
        vector = default;
        if (span.Length < lengthSize)
        {
            return false;
        }

        var length = lengthSize == 1 ? span[0] : BinaryPrimitives.ReadUInt16BigEndian(span);
        if (span.Length < lengthSize + length)
        {
            return false;
        }

        vector = span.Slice(lengthSize, length);
        span = span[(lengthSize + length)..];
        return true;
    }
}
