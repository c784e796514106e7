namespace Fdt.Agent.Http;

/// <summary>Receives what an <see cref="HttpMessageParser"/> sees.</summary>
internal interface IHttpMessageSink
{
    /// <param name="head">The whole head (request line and header lines, ending with the blank line); valid only during the call.</param>
    BodyKind OnRequestHead(string method, string target, string? requestId, bool chunked, long? contentLength, ReadOnlySpan<byte> head);

    /// <param name="head">The whole head (status line and header lines, ending with the blank line); valid only during the call.</param>
    BodyKind OnResponseHead(int status, string reason, string? contentType, bool chunked, long? contentLength, ReadOnlySpan<byte> head);

    /// <summary>Body bytes of the current message, chunked framing removed; valid only during the call.</summary>
    void OnBody(bool isRequest, ReadOnlySpan<byte> data);

    void OnMessageComplete(bool isRequest, long bodyBytes);

    /// <summary>Bytes of a direction after the connection switched protocols (101, CONNECT).</summary>
    void OnSwitchedData(bool isRequest, ReadOnlySpan<byte> data);

    /// <summary>A direction ended after the connection switched protocols.</summary>
    void OnSwitchedEnd(bool isRequest);
}
