using System.Buffers.Binary;
using System.Text;

namespace Fdt.Protocol.Streams;

/// <summary>
/// The header the edge writes at the start of every data stream it opens to an agent, before the
/// visitor's bytes. Layout: version (1 byte, = 1), body length (2 bytes, big-endian, at most
/// <see cref="MaxBodyLength"/>), then tag-length-value fields: tag (1 byte), length (2 bytes,
/// big-endian), value. Unknown tags are skipped, so fields can be added.
/// </summary>
public sealed record StreamHeader
{
    /// <summary>The only header version defined so far.</summary>
    public const byte Version = 1;

    /// <summary>Largest body accepted; checked before allocating.</summary>
    public const int MaxBodyLength = 4096;

    private const byte TagTunnelId = 1;
    private const byte TagRemoteEndPoint = 2;
    private const byte TagKind = 3;
    private const byte TagServerName = 4;
    private const byte TagRequestId = 5;

    /// <summary>The tunnel (as in the bind result) the visitor came through.</summary>
    public required string TunnelId { get; init; }

    /// <summary>What the stream carries.</summary>
    public required StreamKind Kind { get; init; }

    /// <summary>The visitor's address, "ip:port".</summary>
    public string? RemoteEndPoint { get; init; }

    /// <summary>The TLS server name the visitor asked for, when known.</summary>
    public string? ServerName { get; init; }

    /// <summary>A correlation id for logs.</summary>
    public string? RequestId { get; init; }

    /// <summary>Encodes the header.</summary>
    public byte[] Encode()
    {
        var bodyLength = FieldLength(TunnelId) + 3 + 1 + FieldLength(RemoteEndPoint) + FieldLength(ServerName) + FieldLength(RequestId);
        if (bodyLength > MaxBodyLength)
        {
            throw new InvalidOperationException($"The stream header of {bodyLength} bytes exceeds {MaxBodyLength}.");
        }

        var buffer = new byte[3 + bodyLength];
        buffer[0] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(1), (ushort)bodyLength);
        var span = buffer.AsSpan(3);
        WriteString(ref span, TagTunnelId, TunnelId);
        span[0] = TagKind;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], 1);
        span[3] = (byte)Kind;
        span = span[4..];
        WriteString(ref span, TagRemoteEndPoint, RemoteEndPoint);
        WriteString(ref span, TagServerName, ServerName);
        WriteString(ref span, TagRequestId, RequestId);
        return buffer;
    }

    /// <summary>Reads a header from the start of <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">The header is malformed, too long, or the stream ended inside it.</exception>
    public static async ValueTask<StreamHeader> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var prefix = new byte[3];
        await ReadExactlyAsync(stream, prefix, cancellationToken).ConfigureAwait(false);
        if (prefix[0] != Version)
        {
            throw new InvalidDataException($"Unsupported stream header version {prefix[0]}.");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix.AsSpan(1));
        if (length > MaxBodyLength)
        {
            throw new InvalidDataException($"Stream header body of {length} bytes exceeds {MaxBodyLength}.");
        }

        var body = new byte[length];
        await ReadExactlyAsync(stream, body, cancellationToken).ConfigureAwait(false);
        return Parse(body);
    }

    /// <summary>Parses a header body (the bytes after version and length).</summary>
    public static StreamHeader Parse(ReadOnlySpan<byte> body)
    {
        string? tunnelId = null;
        string? remote = null;
        string? serverName = null;
        string? requestId = null;
        StreamKind? kind = null;
        while (!body.IsEmpty)
        {
            if (body.Length < 3)
            {
                throw new InvalidDataException("Truncated field in the stream header.");
            }

            var tag = body[0];
            var length = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
            if (body.Length - 3 < length)
            {
                throw new InvalidDataException("A stream header field runs past the header.");
            }

            var value = body.Slice(3, length);
            switch (tag)
            {
                case TagTunnelId:
                    tunnelId = Encoding.UTF8.GetString(value);
                    break;
                case TagRemoteEndPoint:
                    remote = Encoding.UTF8.GetString(value);
                    break;
                case TagServerName:
                    serverName = Encoding.UTF8.GetString(value);
                    break;
                case TagRequestId:
                    requestId = Encoding.UTF8.GetString(value);
                    break;
                case TagKind:
                    if (length != 1 || !Enum.IsDefined((StreamKind)value[0]))
                    {
                        throw new InvalidDataException("Invalid stream kind in the stream header.");
                    }

                    kind = (StreamKind)value[0];
                    break;
                default:
                    break;
            }

            body = body[(3 + length)..];
        }

        if (string.IsNullOrEmpty(tunnelId) || kind is null)
        {
            throw new InvalidDataException("The stream header lacks the tunnel id or kind.");
        }

        return new StreamHeader
        {
            TunnelId = tunnelId,
            Kind = kind.Value,
            RemoteEndPoint = remote,
            ServerName = serverName,
            RequestId = requestId,
        };
    }

    private static int FieldLength(string? value) => value is null ? 0 : 3 + Encoding.UTF8.GetByteCount(value);

    private static void WriteString(ref Span<byte> span, byte tag, string? value)
    {
        if (value is null)
        {
            return;
        }

        var length = Encoding.UTF8.GetBytes(value, span[3..]);
        span[0] = tag;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
        span = span[(3 + length)..];
    }

    internal static async ValueTask ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException("The stream ended inside its header.");
            }

            total += read;
        }
    }
}
