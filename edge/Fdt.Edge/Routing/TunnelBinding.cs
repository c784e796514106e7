using Fdt.Edge.Diagnostics;
using Fdt.Edge.Policy;
using Fdt.Edge.Sessions;
using Fdt.Protocol.Control;
using Fdt.Protocol.Streams;

namespace Fdt.Edge.Routing;

/// <summary>A live tunnel: a name bound to an agent session.</summary>
public sealed class TunnelBinding
{
    private long _requests;
    private long _bytesIn;
    private long _bytesOut;
    private long _denials;
    private TunnelPolicy _policy = TunnelPolicy.None;

    internal TunnelBinding(string id, string name, TunnelProtocol protocol, AgentSession session, IReadOnlyList<string> urls, BindMessage request, DateTimeOffset createdAt, TimeProvider? time = null)
    {
        RequestedPolicy = request.Policy;
        Traffic = new TunnelTraffic(time ?? TimeProvider.System);
        Id = id;
        Name = name;
        Protocol = protocol;
        Session = session;
        Urls = urls;
        LocalAddress = request.LocalAddress;
        HostHeader = request.HostHeader;
        HttpsUrl = urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal));
        RedirectToHttps = HttpsUrl is not null && (request.RedirectHttps || request.Scheme == "https");
        ServesHttp = request.Scheme != "https";
        ServesHttps = request.Scheme != "http";
        CreatedAt = createdAt;
        HttpStreamHeader = new StreamHeader { TunnelId = id, Kind = StreamKind.Http }.Encode();
        UpstreamBase = "http://" + id;
        UpstreamHost = request.HostHeader switch
        {
            null or "" or "preserve" => null,
            "rewrite" => LocalAuthority(request.LocalAddress),
            var value => value,
        };
    }

    /// <summary>Unique per bind (a reconnecting agent gets a new id for the same name).</summary>
    public string Id { get; }

    /// <summary>The name (subdomain label).</summary>
    public string Name { get; }

    public TunnelProtocol Protocol { get; }

    /// <summary>The agent session serving the tunnel.</summary>
    public AgentSession Session { get; }

    public IReadOnlyList<string> Urls { get; }

    /// <summary>What the agent forwards to, as it reported it.</summary>
    public string? LocalAddress { get; }

    /// <summary>Host header rule from the bind request (null: keep the visitor's).</summary>
    public string? HostHeader { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>
    /// The traffic policy the edge enforces for this tunnel, composed from the control plane's
    /// layers and <see cref="RequestedPolicy"/>; replaced as a whole when a layer changes.
    /// </summary>
    public TunnelPolicy Policy
    {
        get => Volatile.Read(ref _policy);
        internal set => Volatile.Write(ref _policy, value);
    }

    /// <summary>The policy the agent asked for at bind time.</summary>
    public TunnelPolicyRequest? RequestedPolicy { get; }

    /// <summary>Rate-limit, concurrency and circuit-breaker state of the tunnel's policy.</summary>
    public TunnelTraffic Traffic { get; }

    /// <summary>Requests and connections its policy denied so far.</summary>
    public long Denials => Interlocked.Read(ref _denials);

    /// <summary>The tunnel's https:// URL, when it has one.</summary>
    public string? HttpsUrl { get; }

    /// <summary>Plain HTTP requests are answered with a redirect to <see cref="HttpsUrl"/>.</summary>
    public bool RedirectToHttps { get; }

    /// <summary>Whether plain HTTP visitors reach the tunnel (false for --scheme https).</summary>
    public bool ServesHttp { get; }

    /// <summary>Whether HTTPS visitors reach the tunnel (false for --scheme http).</summary>
    public bool ServesHttps { get; }

    /// <summary>Requests forwarded so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Body bytes received from visitors so far.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Body bytes sent to visitors so far.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Scheme and authority of requests to this tunnel's pooled agent connections ("http://&lt;id&gt;").</summary>
    internal string UpstreamBase { get; }

    /// <summary>The Host header sent to the local service, or null to keep the visitor's.</summary>
    internal string? UpstreamHost { get; }

    /// <summary>The stream header of HTTP data streams, encoded once.</summary>
    internal byte[] HttpStreamHeader { get; }

    /// <summary>Where the tunnel's traffic is counted (null in tests without metrics).</summary>
    internal EdgeMetrics? Metrics { get; private set; }

    /// <summary>The tunnel's team label on the per-team instruments, built once at bind time.</summary>
    internal KeyValuePair<string, object?> TeamTag { get; private set; }

    /// <summary>Counts the tunnel's traffic in <paramref name="metrics"/> (set before the tunnel is routable).</summary>
    internal void UseMetrics(EdgeMetrics? metrics)
    {
        Metrics = metrics;
        TeamTag = metrics?.TeamTag(Session.Identity.OwnerId) ?? default;
    }

    internal void CountRequest()
    {
        Interlocked.Increment(ref _requests);
        Metrics?.Forwarded(this);
    }

    internal void CountDenial() => Interlocked.Increment(ref _denials);

    /// <summary>The Host header for the local service under a policy's host rule ("rewrite": the local address).</summary>
    internal string? HostFor(TunnelPolicy policy) => policy.HostHeader switch
    {
        null => UpstreamHost,
        "rewrite" => LocalAuthority(LocalAddress),
        "preserve" => null,
        var value => value,
    };

    internal void CountTraffic(long bytesIn, long bytesOut)
    {
        Metrics?.Traffic(this, bytesIn, bytesOut);
        if (bytesIn > 0)
        {
            Interlocked.Add(ref _bytesIn, bytesIn);
        }

        if (bytesOut > 0)
        {
            Interlocked.Add(ref _bytesOut, bytesOut);
        }
    }

    private static string? LocalAuthority(string? localAddress)
    {
        if (string.IsNullOrEmpty(localAddress))
        {
            return null;
        }

        return Uri.TryCreate(localAddress, UriKind.Absolute, out var uri) && uri.Authority.Length > 0 ? uri.Authority : localAddress;
    }
}
