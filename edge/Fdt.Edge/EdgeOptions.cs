using System.ComponentModel.DataAnnotations;

namespace Fdt.Edge;

/// <summary>Settings of the relay edge (configuration section <c>Edge</c>).</summary>
public sealed record EdgeOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Edge";

    /// <summary>Tunnels are served at <c>NAME.BaseDomain</c>; the base domain itself serves the agent endpoint (and, later, the console and API).</summary>
    [Required]
    public string BaseDomain { get; init; } = "localhost";

    /// <summary>Scheme of the public URLs handed to agents.</summary>
    public string PublicScheme { get; init; } = "http";

    /// <summary>Port shown in public URLs; null or the scheme's default port leaves it out.</summary>
    public int? PublicPort { get; init; }

    /// <summary>How long a name stays reserved for its agent after the agent's connection is lost.</summary>
    public TimeSpan NameLeaseGracePeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Tunnels one agent session may hold.</summary>
    [Range(1, 10_000)]
    public int MaxTunnelsPerSession { get; init; } = 16;

    /// <summary>Time an agent has to open its control stream and say hello.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time the local service has to send response headers before the visitor gets a 504.</summary>
    public TimeSpan UpstreamResponseTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Time the edge waits for an agent to answer a new data stream (its local connect included).</summary>
    public TimeSpan StreamOpenTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Idle HTTP connections to an agent are closed after this long.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Shortest requested name accepted.</summary>
    [Range(1, 63)]
    public int MinNameLength { get; init; } = Fdt.Protocol.TunnelNames.DefaultMinLength;

    /// <summary>Names nobody may request (in addition to any name that fails DNS label rules).</summary>
    public IReadOnlyList<string> ReservedNames { get; init; } = Fdt.Protocol.TunnelNames.DefaultReservedWords;

    /// <summary>Interval of the mux keepalive pings on agent sessions.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An agent that does not answer a ping within this time is considered gone.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Concurrent streams on one agent session.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreamsPerSession { get; init; } = 4096;

    /// <summary>Largest per-stream receive window (flow control grows windows up to this on fast links).</summary>
    [Range(256 * 1024, 64 * 1024 * 1024)]
    public int MaxStreamWindow { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Whether the edge sits behind a proxy or load balancer whose X-Forwarded-* headers it may
    /// believe. When false (the default), visitors' X-Forwarded-* headers are replaced, never extended.
    /// </summary>
    public bool TrustForwardedHeaders { get; init; }

    /// <summary>Where leases are persisted so names survive an edge restart; null keeps them in memory only.</summary>
    public string? LeaseFile { get; init; }

    /// <summary>
    /// Whether the edge's own transport serves agents' raw upgrade connections on cleartext
    /// ports directly on their sockets (faster: no Kestrel pipes on the connection that carries
    /// all of a tunnel's traffic). Read at startup.
    /// </summary>
    public bool AgentFastPath { get; init; } = true;

    /// <summary>How long a client on the HTTPS port has to send its whole TLS ClientHello.</summary>
    public TimeSpan TlsHelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Port shown in public https:// URLs; null: the edge's own HTTPS listener's port, if it has one.</summary>
    public int? PublicHttpsPort { get; init; }

    /// <summary>
    /// Public ports for TCP tunnels, "FIRST-LAST" (e.g. "20000-20999"); null or empty: no TCP
    /// tunnels. Each TCP tunnel listens on one port of the range.
    /// </summary>
    public string? TcpPorts { get; init; }

    /// <summary>Address the TCP tunnels' ports listen on (an IP address; "*" for every interface).</summary>
    public string TcpListenAddress { get; init; } = "127.0.0.1";

    /// <summary>Host name in TCP tunnels' public addresses (tcp://HOST:PORT); null: the base domain.</summary>
    public string? TcpHost { get; init; }

    /// <summary>Visitor connections one TCP tunnel carries at once; further ones are closed at once.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int MaxConnectionsPerTunnel { get; init; } = 256;

    /// <summary>A TCP connection that carries no byte either way for this long is closed.</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The largest request body a tunnel with webhook verification reads before checking the
    /// signature (the body is held in memory until then); larger requests are answered 413.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 256L * 1024 * 1024)]
    public long WebhookMaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Headers whose values the inspector never stores (shown as "[redacted]").</summary>
    public IReadOnlyList<string> RedactedHeaders { get; init; } = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"];

    /// <summary>Suggested delay, sent to agents when the edge drains, before they reconnect.</summary>
    public TimeSpan DrainReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The TCP port range from <see cref="TcpPorts"/>; false when TCP tunnels are off.</summary>
    public bool TryGetTcpPortRange(out int first, out int last)
    {
        first = last = 0;
        if (string.IsNullOrWhiteSpace(TcpPorts))
        {
            return false;
        }

        var parts = TcpPorts.Split('-', StringSplitOptions.TrimEntries);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (parts.Length is < 1 or > 2
            || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, invariant, out first)
            || !int.TryParse(parts[^1], System.Globalization.NumberStyles.None, invariant, out last)
            || first is < 1 or > 65535 || last < first || last > 65535)
        {
            throw new InvalidOperationException($"Edge:TcpPorts '{TcpPorts}' is not a port range such as 20000-20999.");
        }

        return true;
    }
}
