namespace Fdt.Agent.Http;

/// <summary>What follows a message head, as decided from the exchange so far.</summary>
internal enum BodyKind
{
    /// <summary>No body (HEAD responses, 1xx, 204, 304).</summary>
    None,

    /// <summary>A body framed by the message's own headers (chunked, Content-Length, or until close).</summary>
    Framed,

    /// <summary>The connection leaves HTTP (101, or a successful CONNECT).</summary>
    SwitchProtocols,
}
