using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Fdt.Protocol.Control;

/// <summary>
/// Length-prefixed JSON messages over a stream (the first stream the agent opens). Sends are
/// serialised; one reader at a time. The length prefix is checked against the limit before any
/// buffer is allocated.
/// </summary>
public sealed class ControlChannel : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly int _maxMessageSize;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _lengthBuffer = new byte[4];

    public ControlChannel(Stream stream, int maxMessageSize = ControlProtocol.DefaultMaxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 64);
        _stream = stream;
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>The underlying stream.</summary>
    public Stream Stream => _stream;

    /// <summary>Encodes a message as it goes on the wire (length prefix included).</summary>
    public static byte[] Encode(ControlMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var json = JsonSerializer.SerializeToUtf8Bytes(message, ControlJsonContext.Default.ControlMessage);
        var frame = new byte[4 + json.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)json.Length);
        json.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>Decodes the JSON body of one message.</summary>
    public static ControlMessage Decode(ReadOnlySpan<byte> json)
    {
        var type = ReadType(json);
        if (!KnownTypes.Contains(type))
        {
            // A newer peer may send kinds this build does not know: they are skipped, not fatal.
            return new UnknownControlMessage(type);
        }

        try
        {
            return JsonSerializer.Deserialize(json, ControlJsonContext.Default.ControlMessage)
                ?? throw new ControlProtocolException("The control message is null.");
        }
        catch (JsonException ex)
        {
            throw new ControlProtocolException("The control message is not valid: " + ex.Message, ex);
        }
        catch (NotSupportedException ex)
        {
            throw new ControlProtocolException("The control message has an unknown or missing type: " + ex.Message, ex);
        }
    }

    private static readonly HashSet<string> KnownTypes = ["hello", "helloResult", "bind", "bindResult", "unbind", "notice", "drain", "requestDenied"];

    private static string ReadType(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ControlProtocolException("The control message is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (isType)
                {
                    return reader.TokenType == JsonTokenType.String
                        ? reader.GetString()!
                        : throw new ControlProtocolException("The control message's type is not a string.");
                }

                reader.Skip();
            }
        }
        catch (JsonException ex)
        {
            throw new ControlProtocolException("The control message is not valid JSON: " + ex.Message, ex);
        }

        throw new ControlProtocolException("The control message has no type.");
    }

    /// <summary>Sends one message.</summary>
    public async Task SendAsync(ControlMessage message, CancellationToken cancellationToken = default)
    {
        var frame = Encode(message);
        if (frame.Length - 4 > _maxMessageSize)
        {
            throw new ControlProtocolException($"The control message of {frame.Length - 4} bytes exceeds the limit of {_maxMessageSize}.");
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Receives the next message; null when the peer closed the stream cleanly between messages.</summary>
    public async Task<ControlMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (!await ReadExactlyOrEndAsync(_lengthBuffer, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(_lengthBuffer);
        if (length == 0 || length > (uint)_maxMessageSize)
        {
            throw new ControlProtocolException($"Control message length {length} is outside 1..{_maxMessageSize}.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            if (!await ReadExactlyOrEndAsync(buffer.AsMemory(0, (int)length), cancellationToken).ConfigureAwait(false))
            {
                throw new ControlProtocolException("The control stream ended inside a message.");
            }

            return Decode(buffer.AsSpan(0, (int)length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _sendLock.Dispose();
    }

    private async Task<bool> ReadExactlyOrEndAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = await _stream.ReadAsync(destination[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (total == 0)
                {
                    return false;
                }

                throw new ControlProtocolException("The control stream ended inside a message.");
            }

            total += read;
        }

        return true;
    }
}
