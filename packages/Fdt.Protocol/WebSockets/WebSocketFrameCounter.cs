using System.Buffers.Binary;

namespace Fdt.Protocol.WebSockets;

/// <summary>
/// Follows one direction of a WebSocket connection (RFC 6455 section 5.2) frame by frame, reading
/// only the 2 to 14 header bytes of each and skipping payloads, and counts complete data messages.
/// Anything that is not a valid frame stops counting; the bytes themselves are never touched.
/// </summary>
public sealed class WebSocketFrameCounter(WebSocketCounts counts, bool fromClient)
{
    private readonly byte[] _header = new byte[14];
    private int _headerLength;
    private long _payloadRemaining;
    private bool _stopped;

    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !_stopped)
        {
            if (_payloadRemaining > 0)
            {
                var skip = (int)Math.Min(_payloadRemaining, data.Length);
                _payloadRemaining -= skip;
                data = data[skip..];
                continue;
            }

            _header[_headerLength++] = data[0];
            data = data[1..];
            var needed = HeaderLength();
            if (needed < 0 || _headerLength < needed)
            {
                continue;
            }

            OnHeader();
            _headerLength = 0;
        }
    }

    /// <summary>The header's full length once enough of it is known, -1 before.</summary>
    private int HeaderLength()
    {
        if (_headerLength < 2)
        {
            return -1;
        }

        var length7 = _header[1] & 0x7F;
        var masked = (_header[1] & 0x80) != 0;
        var extended = length7 switch
        {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        return 2 + extended + (masked ? 4 : 0);
    }

    private void OnHeader()
    {
        var fin = (_header[0] & 0x80) != 0;
        var opcode = _header[0] & 0x0F;
        var length7 = _header[1] & 0x7F;
        long payload = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)),
            _ => length7,
        };
        if (payload < 0 || opcode is (> 2 and < 8) or > 10)
        {
            // Not a frame we can follow (reserved opcode, impossible length).
            _stopped = true;
            return;
        }

        if (opcode == 8)
        {
            counts.MarkClosed();
        }
        else if (opcode <= 2 && fin)
        {
            counts.AddMessage(fromClient);
        }

        _payloadRemaining = payload;
    }
}
