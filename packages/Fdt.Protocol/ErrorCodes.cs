namespace Fdt.Protocol;

/// <summary>
/// Stable error codes shown to visitors (error pages, the <c>Fdt-Error-Code</c> header) and to
/// agents (hello and bind results, notices). Codes are only ever added, never reused or renumbered;
/// docs/errors.md describes each one.
/// </summary>
public static class ErrorCodes
{
    // 1xxx: what a visitor of a public URL can meet.

    /// <summary>No tunnel is bound to the requested host name (404).</summary>
    public const string TunnelNotFound = "ERR_FDT_1001";

    /// <summary>The tunnel's agent went away before the request could be answered (502).</summary>
    public const string AgentUnavailable = "ERR_FDT_1002";

    /// <summary>The agent could not connect to the local service (502).</summary>
    public const string LocalServiceUnavailable = "ERR_FDT_1003";

    /// <summary>The local service did not answer in time (504).</summary>
    public const string UpstreamTimeout = "ERR_FDT_1004";

    /// <summary>The local service sent something that is not a valid HTTP response (502).</summary>
    public const string InvalidUpstreamResponse = "ERR_FDT_1005";

    /// <summary>The visitor's request was malformed (400).</summary>
    public const string BadRequest = "ERR_FDT_1006";

    /// <summary>The tunnel requires basic authentication and the visitor gave none or wrong credentials.</summary>
    public const string AuthenticationRequired = "ERR_FDT_1101";

    /// <summary>The tunnel's IP rules do not admit the visitor's address.</summary>
    public const string AddressDenied = "ERR_FDT_1102";

    /// <summary>The request body is larger than the tunnel allows.</summary>
    public const string BodyTooLarge = "ERR_FDT_1103";

    /// <summary>The visitor (or the whole tunnel) sent more requests than the tunnel's rate limit allows (429).</summary>
    public const string RateLimited = "ERR_FDT_1104";

    /// <summary>The tunnel has as many requests in flight as its policy allows (503).</summary>
    public const string TooManyConcurrentRequests = "ERR_FDT_1105";

    /// <summary>The request's webhook signature is missing, wrong or too old (403).</summary>
    public const string WebhookVerificationFailed = "ERR_FDT_1106";

    /// <summary>The local service kept failing; the tunnel's circuit breaker is open (503).</summary>
    public const string CircuitOpen = "ERR_FDT_1107";

    /// <summary>The local service did not answer within the tunnel's request timeout (504).</summary>
    public const string RequestTimeout = "ERR_FDT_1108";

    // 2xxx: what an agent can meet when it connects or binds.

    /// <summary>The authtoken is missing, malformed, unknown or revoked.</summary>
    public const string AuthenticationFailed = "ERR_FDT_2001";

    /// <summary>The agent speaks a control protocol version the edge does not support.</summary>
    public const string UnsupportedProtocolVersion = "ERR_FDT_2002";

    /// <summary>The requested name is not a valid DNS label or is not allowed.</summary>
    public const string InvalidName = "ERR_FDT_2003";

    /// <summary>The requested name is bound by another agent right now.</summary>
    public const string NameInUse = "ERR_FDT_2004";

    /// <summary>The requested name is held for a recently disconnected agent of another owner.</summary>
    public const string NameLeased = "ERR_FDT_2005";

    /// <summary>The session already has as many tunnels as it may.</summary>
    public const string TooManyTunnels = "ERR_FDT_2006";

    /// <summary>The edge does not offer the requested tunnel protocol.</summary>
    public const string ProtocolNotSupported = "ERR_FDT_2007";

    /// <summary>The requested name is reserved by another team.</summary>
    public const string NameReserved = "ERR_FDT_2008";

    /// <summary>The tunnel was stopped by its owner or an operator.</summary>
    public const string TunnelStopped = "ERR_FDT_2009";

    /// <summary>The edge is shutting down; reconnect (possibly elsewhere).</summary>
    public const string EdgeShuttingDown = "ERR_FDT_2010";

    /// <summary>The agent sent a malformed control message.</summary>
    public const string ControlProtocolError = "ERR_FDT_2011";

    /// <summary>The agent sent a bind request with invalid options.</summary>
    public const string InvalidBindRequest = "ERR_FDT_2012";

    /// <summary>The TCP port asked for is outside the server's range, or cannot be listened on.</summary>
    public const string PortUnavailable = "ERR_FDT_2013";
}
