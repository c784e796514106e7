using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Fdt.Agent.Http;

/// <summary>
/// An incremental, passive parser for one direction of an HTTP/1.1 connection. It is fed the
/// bytes as they pass through the agent and reports message heads, body bytes (with chunked
/// framing removed) and message ends; it never changes or holds back the bytes. Anything it
/// cannot follow (oversized heads, malformed framing) makes it give up for the rest of the
/// connection, which only ends observation. After a protocol switch (101, CONNECT) it hands the
/// raw bytes to the sink instead.
/// </summary>
internal sealed class HttpMessageParser
{
    /// <summary>Largest head (start line and headers) that is observed.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    private const int MaxLineBytes = 8 * 1024;

    private readonly bool _isRequest;
    private readonly IHttpMessageSink _sink;
    private byte[]? _head;
    private int _headLength;
    private State _state = State.Head;
    private long _remaining;
    private long _bodyBytes;
    private byte[]? _line;
    private int _lineLength;

    // Set by the other direction's thread (see RequestTransition), applied by this one.
    private volatile int _transition;

    public HttpMessageParser(bool isRequest, IHttpMessageSink sink)
    {
        _isRequest = isRequest;
        _sink = sink;
    }

    private enum State
    {
        Head,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Switched,
        Opaque,
    }

    /// <summary>Whether the parser gave up (or the connection switched protocols).</summary>
    public bool IsOpaque => _state is State.Opaque or State.Switched || _transition != 0;

    /// <summary>Feeds the next bytes of this direction.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        ApplyTransition();
        while (!data.IsEmpty && _state != State.Opaque)
        {
            switch (_state)
            {
                case State.Switched:
                    _sink.OnSwitchedData(_isRequest, data);
                    data = default;
                    break;
                case State.Head:
                    data = FeedHead(data);
                    break;
                case State.FixedBody:
                    {
                        var take = (int)Math.Min(_remaining, data.Length);
                        _remaining -= take;
                        _bodyBytes += take;
                        _sink.OnBody(_isRequest, data[..take]);
                        data = data[take..];
                        if (_remaining == 0)
                        {
                            CompleteMessage();
                        }

                        break;
                    }

                case State.ChunkSize:
                    data = FeedLine(data, out var sizeLine);
                    if (sizeLine is not null)
                    {
                        OnChunkSizeLine(sizeLine.Value.Span);
                    }

                    break;
                case State.ChunkData:
                    {
                        var take = (int)Math.Min(_remaining, data.Length);
                        _remaining -= take;
                        _bodyBytes += take;
                        _sink.OnBody(_isRequest, data[..take]);
                        data = data[take..];
                        if (_remaining == 0)
                        {
                            _state = State.ChunkDataEnd;
                        }

                        break;
                    }

                case State.ChunkDataEnd:
                    data = FeedLine(data, out var end);
                    if (end is not null)
                    {
                        if (end.Value.Length != 0)
                        {
                            GiveUp();
                        }
                        else
                        {
                            _state = State.ChunkSize;
                        }
                    }

                    break;
                case State.Trailers:
                    data = FeedLine(data, out var trailer);
                    if (trailer is not null && trailer.Value.Length == 0)
                    {
                        CompleteMessage();
                    }

                    break;
                case State.UntilClose:
                    _bodyBytes += data.Length;
                    _sink.OnBody(_isRequest, data);
                    data = default;
                    break;
            }
        }
    }

    /// <summary>The direction ended (end of stream).</summary>
    public void OnEnd()
    {
        ApplyTransition();
        if (_state == State.UntilClose)
        {
            CompleteMessage();
        }
        else if (_state == State.Switched)
        {
            _sink.OnSwitchedEnd(_isRequest);
        }

        GiveUp();
        ReturnBuffers();
    }

    /// <summary>Stops parsing for the rest of the connection (unfollowable bytes). Only on this direction's thread.</summary>
    public void GiveUp()
    {
        _state = State.Opaque;
        ReturnBuffers();
    }

    /// <summary>
    /// Asks this direction, from the other direction's thread, to stop parsing before its next
    /// bytes: to give up (<paramref name="switched"/> false) or to hand the bytes to the sink as a
    /// switched protocol's (a 101 answer to this request).
    /// </summary>
    public void RequestTransition(bool switched) => _transition = switched ? 2 : 1;

    private void ApplyTransition()
    {
        var transition = _transition;
        if (transition == 0 || _state is State.Opaque or State.Switched)
        {
            return;
        }

        _state = transition == 2 ? State.Switched : State.Opaque;
        ReturnBuffers();
    }

    private ReadOnlySpan<byte> FeedHead(ReadOnlySpan<byte> data)
    {
        _head ??= ArrayPool<byte>.Shared.Rent(4096);

        // Scan for the blank line, looking back across the previous chunk's tail.
        var start = Math.Max(0, _headLength - 3);
        var room = MaxHeadBytes - _headLength;
        var take = Math.Min(data.Length, room);
        EnsureHeadCapacity(_headLength + take);
        data[..take].CopyTo(_head.AsSpan(_headLength));
        _headLength += take;
        var end = _head.AsSpan(start, _headLength - start).IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            if (_headLength >= MaxHeadBytes)
            {
                GiveUp();
            }

            return data[take..];
        }

        var headEnd = start + end + 4;
        var consumedFromData = take - (_headLength - headEnd);
        var head = _head.AsSpan(0, headEnd);
        _headLength = 0;
        if (!ParseHead(head))
        {
            GiveUp();
            return default;
        }

        return data[consumedFromData..];
    }

    private void EnsureHeadCapacity(int size)
    {
        if (_head!.Length >= size)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Min(MaxHeadBytes, Math.Max(size, _head.Length * 2)));
        _head.AsSpan(0, _headLength).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_head);
        _head = grown;
    }

    private bool ParseHead(ReadOnlySpan<byte> head)
    {
        // Tolerate empty lines before a message (RFC 9112 section 2.2).
        while (head.StartsWith("\r\n"u8))
        {
            head = head[2..];
        }

        var lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd <= 0)
        {
            return false;
        }

        var startLine = head[..lineEnd];
        var headers = head[(lineEnd + 2)..];
        long? contentLength = null;
        var chunked = false;
        string? requestId = null;
        string? contentType = null;
        while (true)
        {
            var end = headers.IndexOf("\r\n"u8);
            if (end <= 0)
            {
                break;
            }

            var line = headers[..end];
            headers = headers[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return false;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
            if (name.EqualsIgnoreCaseAscii("content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0)
                {
                    return false;
                }

                if (contentLength is not null && contentLength != length)
                {
                    return false;
                }

                contentLength = length;
            }
            else if (name.EqualsIgnoreCaseAscii("transfer-encoding"u8))
            {
                var last = value.LastIndexOf((byte)',');
                chunked = value[(last + 1)..].Trim((byte)' ').EqualsIgnoreCaseAscii("chunked"u8);
                if (!chunked)
                {
                    // A transfer coding other than chunked last: the body runs until close (responses) or is invalid (requests).
                    contentLength = null;
                }
            }
            else if (_isRequest && name.EqualsIgnoreCaseAscii("x-request-id"u8))
            {
                requestId = Encoding.ASCII.GetString(value);
            }
            else if (!_isRequest && name.EqualsIgnoreCaseAscii("content-type"u8))
            {
                contentType = Encoding.ASCII.GetString(value);
            }
        }

        _bodyBytes = 0;
        BodyKind body;
        if (_isRequest)
        {
            var firstSpace = startLine.IndexOf((byte)' ');
            var lastSpace = startLine.LastIndexOf((byte)' ');
            if (firstSpace <= 0 || lastSpace <= firstSpace)
            {
                return false;
            }

            var method = Encoding.ASCII.GetString(startLine[..firstSpace]);
            var target = Encoding.UTF8.GetString(startLine[(firstSpace + 1)..lastSpace]);
            body = _sink.OnRequestHead(method, target, requestId, chunked, contentLength, head);
        }
        else
        {
            // HTTP/1.1 200 OK
            if (startLine.Length < 12 || !startLine.StartsWith("HTTP/1."u8) || startLine[8] != (byte)' '
                || !Utf8Parser.TryParse(startLine.Slice(9, 3), out int status, out var statusDigits) || statusDigits != 3
                || (startLine.Length > 12 && startLine[12] != (byte)' '))
            {
                return false;
            }

            var reason = startLine.Length > 13 ? Encoding.ASCII.GetString(startLine[13..]) : string.Empty;
            body = _sink.OnResponseHead(status, reason, contentType, chunked, contentLength, head);
        }

        switch (body)
        {
            case BodyKind.None:
                CompleteMessage();
                break;
            case BodyKind.Framed when chunked:
                _state = State.ChunkSize;
                break;
            case BodyKind.Framed when contentLength is > 0:
                _remaining = contentLength.Value;
                _state = State.FixedBody;
                break;
            case BodyKind.Framed when contentLength is 0 || _isRequest:
                CompleteMessage();
                break;
            case BodyKind.Framed:
                _state = State.UntilClose;
                break;
            case BodyKind.SwitchProtocols:
                _state = State.Switched;
                ReturnBuffers();
                break;
        }

        return true;
    }

    private void OnChunkSizeLine(ReadOnlySpan<byte> line)
    {
        var semicolon = line.IndexOf((byte)';');
        var hex = (semicolon < 0 ? line : line[..semicolon]).Trim((byte)' ');
        if (!Utf8Parser.TryParse(hex, out ulong size, out var used, 'X') || used != hex.Length || size > long.MaxValue)
        {
            GiveUp();
            return;
        }

        if (size == 0)
        {
            _state = State.Trailers;
            return;
        }

        _remaining = (long)size;
        _state = State.ChunkData;
    }

    /// <summary>Accumulates one CRLF-terminated line; <paramref name="line"/> is set (without CRLF) once complete.</summary>
    private ReadOnlySpan<byte> FeedLine(ReadOnlySpan<byte> data, out ReadOnlyMemory<byte>? line)
    {
        line = null;
        var newline = data.IndexOf((byte)'\n');
        var take = newline < 0 ? data.Length : newline + 1;
        if (_lineLength + take > MaxLineBytes)
        {
            GiveUp();
            return default;
        }

        _line ??= ArrayPool<byte>.Shared.Rent(256);
        if (_line.Length < _lineLength + take)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(MaxLineBytes, Math.Max(_line.Length * 2, _lineLength + take)));
            _line.AsSpan(0, _lineLength).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_line);
            _line = grown;
        }

        data[..take].CopyTo(_line.AsSpan(_lineLength));
        _lineLength += take;
        if (newline < 0)
        {
            return data[take..];
        }

        var length = _lineLength - 1;
        if (length > 0 && _line[length - 1] == (byte)'\r')
        {
            length--;
        }

        line = _line.AsMemory(0, length);
        _lineLength = 0;
        return data[take..];
    }

    private void CompleteMessage()
    {
        _state = State.Head;
        _sink.OnMessageComplete(_isRequest, _bodyBytes);
        _bodyBytes = 0;
    }

    private void ReturnBuffers()
    {
        if (_head is not null)
        {
            ArrayPool<byte>.Shared.Return(_head);
            _head = null;
        }

        if (_line is not null)
        {
            ArrayPool<byte>.Shared.Return(_line);
            _line = null;
        }

        _headLength = 0;
        _lineLength = 0;
    }
}
