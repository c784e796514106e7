namespace Fdt.Agent.Http;

/// <summary>Receives what an <see cref="HttpMessageParser"/> sees.</summary>
internal interface IHttpMessageSink
{
    BodyKind OnRequestHead(string method, string target, string? requestId, bool chunked, long? contentLength);

    BodyKind OnResponseHead(int status, string reason, string? contentType, bool chunked, long? contentLength);

    void OnMessageComplete(bool isRequest, long bodyBytes);
}
