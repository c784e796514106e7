using System.Text.Json.Serialization;

namespace Fdt.Protocol.Control;

/// <summary>
/// A message on the control stream. On the wire: a 4-byte big-endian length, then that many bytes
/// of UTF-8 JSON whose <c>type</c> property selects the message kind.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(HelloMessage), "hello")]
[JsonDerivedType(typeof(HelloResultMessage), "helloResult")]
[JsonDerivedType(typeof(BindMessage), "bind")]
[JsonDerivedType(typeof(BindResultMessage), "bindResult")]
[JsonDerivedType(typeof(UnbindMessage), "unbind")]
[JsonDerivedType(typeof(NoticeMessage), "notice")]
[JsonDerivedType(typeof(DrainMessage), "drain")]
[JsonDerivedType(typeof(RequestDeniedMessage), "requestDenied")]
public abstract record ControlMessage;

/// <summary>Agent → edge, first message: who the agent is and how it authenticates.</summary>
public sealed record HelloMessage : ControlMessage
{
    /// <summary>The control protocol version the agent speaks.</summary>
    public required int ProtocolVersion { get; init; }

    /// <summary>The credential (an authtoken or a short-lived agent token).</summary>
    public required string Authtoken { get; init; }

    /// <summary>The agent's version, for display and compatibility decisions.</summary>
    public string? AgentVersion { get; init; }

    /// <summary>Operating system and architecture, e.g. "linux/x64".</summary>
    public string? Platform { get; init; }

    /// <summary>
    /// A random secret the agent keeps for its lifetime. Names it held are leased to this key after a
    /// disconnect, so the same agent gets them back when it reconnects and nobody else can take them.
    /// </summary>
    public string? ResumeKey { get; init; }
}

/// <summary>Edge → agent: the answer to hello.</summary>
public sealed record HelloResultMessage : ControlMessage
{
    /// <summary>Whether the agent is accepted; when false, <see cref="Error"/> tells why and the edge closes.</summary>
    public required bool Ok { get; init; }

    /// <summary>The edge's identifier for this agent session.</summary>
    public string? SessionId { get; init; }

    /// <summary>The identity the credential maps to (account or team name), for display.</summary>
    public string? Account { get; init; }

    /// <summary>The edge node's identifier.</summary>
    public string? EdgeId { get; init; }

    /// <summary>The protocol version the edge will speak on this session.</summary>
    public int ProtocolVersion { get; init; } = ControlProtocol.Version;

    /// <summary>Why the agent was refused.</summary>
    public ControlError? Error { get; init; }
}

/// <summary>Agent → edge: asks for a tunnel.</summary>
public sealed record BindMessage : ControlMessage
{
    /// <summary>Correlates the <see cref="BindResultMessage"/>.</summary>
    public required int RequestId { get; init; }

    /// <summary>What the tunnel carries.</summary>
    public required TunnelProtocol Protocol { get; init; }

    /// <summary>The requested name (subdomain label); null asks the edge for a random one.</summary>
    public string? Name { get; init; }

    /// <summary>Where the agent forwards to, for display (e.g. "http://localhost:3000").</summary>
    public string? LocalAddress { get; init; }

    /// <summary>
    /// Host header sent to the local service: null keeps the visitor's Host; "rewrite" uses the
    /// local address; any other value is used as is.
    /// </summary>
    public string? HostHeader { get; init; }

    /// <summary>
    /// For http tunnels: which URLs to serve, "http", "https" or "both" (null: both). With "https"
    /// plain HTTP requests are redirected to HTTPS.
    /// </summary>
    public string? Scheme { get; init; }

    /// <summary>For http tunnels served both ways: redirect plain HTTP requests to the HTTPS URL.</summary>
    public bool RedirectHttps { get; init; }

    /// <summary>Traffic policy the edge enforces before any byte reaches the agent (null: none).</summary>
    public TunnelPolicyRequest? Policy { get; init; }
}

/// <summary>Edge → agent: the answer to bind.</summary>
public sealed record BindResultMessage : ControlMessage
{
    /// <summary>The bind request this answers.</summary>
    public required int RequestId { get; init; }

    /// <summary>Whether the tunnel is bound.</summary>
    public required bool Ok { get; init; }

    /// <summary>Identifier the edge puts in the header of every data stream of this tunnel.</summary>
    public string? TunnelId { get; init; }

    /// <summary>The name bound (random or requested).</summary>
    public string? Name { get; init; }

    /// <summary>The public URLs of the tunnel.</summary>
    public IReadOnlyList<string>? Urls { get; init; }

    /// <summary>Why the bind was refused.</summary>
    public ControlError? Error { get; init; }
}

/// <summary>
/// Either direction: a tunnel ends. From the agent, it gives the tunnel up; from the edge, the
/// tunnel was stopped (by its owner, an operator, or a policy) and <see cref="Error"/> says why.
/// </summary>
public sealed record UnbindMessage : ControlMessage
{
    /// <summary>The tunnel that ends.</summary>
    public required string TunnelId { get; init; }

    /// <summary>Why, when the edge ends it.</summary>
    public ControlError? Error { get; init; }
}

/// <summary>Edge → agent: something the user should see.</summary>
public sealed record NoticeMessage : ControlMessage
{
    /// <summary>"info", "warning" or "error".</summary>
    public required string Level { get; init; }

    /// <summary>A stable code when the notice has one.</summary>
    public string? Code { get; init; }

    /// <summary>The text to show.</summary>
    public required string Message { get; init; }
}

/// <summary>
/// Edge → agent: the edge is going away (restart, deploy). The agent should reconnect after the
/// suggested delay; its names stay leased to it meanwhile.
/// </summary>
public sealed record DrainMessage : ControlMessage
{
    /// <summary>Why the edge drains.</summary>
    public string? Reason { get; init; }

    /// <summary>Suggested delay before reconnecting.</summary>
    public int ReconnectAfterMilliseconds { get; init; }
}

/// <summary>
/// Edge → agent: the edge's traffic policy turned a visitor's request (or connection) away before
/// it reached the agent. Sent so the agent's request log shows denials; the edge sends at most a
/// few per second per session and counts the rest in <see cref="Suppressed"/> of the next one.
/// </summary>
public sealed record RequestDeniedMessage : ControlMessage
{
    /// <summary>The tunnel the request was for.</summary>
    public required string TunnelId { get; init; }

    /// <summary>HTTP method, or null for a TCP/TLS connection.</summary>
    public string? Method { get; init; }

    /// <summary>Path and query (cut to 512 characters), or null for a connection.</summary>
    public string? Path { get; init; }

    /// <summary>The status the visitor got (0 for a reset connection).</summary>
    public required int Status { get; init; }

    /// <summary>The stable error code (ERR_FDT_11xx).</summary>
    public required string Code { get; init; }

    /// <summary>The rule that denied it: "ip", "basic-auth", "body-size", "rate-limit", "concurrency", "timeout", "webhook" or "circuit-breaker".</summary>
    public required string Rule { get; init; }

    /// <summary>Why, within the rule (e.g. "visitor" or "tunnel" for a rate limit).</summary>
    public string? Reason { get; init; }

    /// <summary>The visitor's address.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Denials not reported individually since the previous message (rate of reports is capped).</summary>
    public int Suppressed { get; init; }
}
