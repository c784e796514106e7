using System.Buffers.Binary;
using System.Text;

namespace Fdt.Protocol.Streams;

/// <summary>
/// The agent's answer at the start of a data stream, before the local service's bytes: status
/// (1 byte), message length (2 bytes, big-endian, at most <see cref="MaxMessageLength"/>), message
/// (UTF-8). Status 0 means the local connection is up and raw bytes follow.
/// </summary>
public sealed record StreamReply(StreamReplyStatus Status, string? Message = null)
{
    /// <summary>Largest message accepted; checked before allocating.</summary>
    public const int MaxMessageLength = 1024;

    /// <summary>The reply for a stream that is connected.</summary>
    public static StreamReply Connected { get; } = new(StreamReplyStatus.Connected);

    private static readonly byte[] ConnectedBytes = [0, 0, 0];

    /// <summary>Encodes the reply.</summary>
    public byte[] Encode()
    {
        if (Status == StreamReplyStatus.Connected && Message is null)
        {
            return ConnectedBytes;
        }

        var message = Message ?? string.Empty;
        if (Encoding.UTF8.GetByteCount(message) > MaxMessageLength)
        {
            message = message[..Math.Min(message.Length, MaxMessageLength / 4)];
        }

        var length = Encoding.UTF8.GetByteCount(message);
        var buffer = new byte[3 + length];
        buffer[0] = (byte)Status;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(1), (ushort)length);
        Encoding.UTF8.GetBytes(message, buffer.AsSpan(3));
        return buffer;
    }

    /// <summary>Reads a reply from the start of <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">The reply is malformed or the stream ended inside it.</exception>
    public static async ValueTask<StreamReply> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var prefix = new byte[3];
        await StreamHeader.ReadExactlyAsync(stream, prefix, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix.AsSpan(1));
        if (length > MaxMessageLength)
        {
            throw new InvalidDataException($"Stream reply message of {length} bytes exceeds {MaxMessageLength}.");
        }

        var status = (StreamReplyStatus)prefix[0];
        if (length == 0)
        {
            return status == StreamReplyStatus.Connected ? Connected : new StreamReply(status);
        }

        var message = new byte[length];
        await StreamHeader.ReadExactlyAsync(stream, message, cancellationToken).ConfigureAwait(false);
        return new StreamReply(status, Encoding.UTF8.GetString(message));
    }
}
