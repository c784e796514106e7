using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Fdt.Protocol.Control;
using Fdt.Protocol.Mux;
using Microsoft.Extensions.Options;

namespace Fdt.Edge.Diagnostics;

/// <summary>
/// The edge's instruments (meter <c>Fdt.Edge</c>). Labels are bounded: status classes, protocols,
/// directions, transports and, on the per-team usage instruments, team ids up to
/// <see cref="EdgeMetricsOptions.MaxTeams"/>. Never a tunnel name or a request detail. Tags on the
/// request path are prebuilt, so recording allocates nothing.
/// </summary>
public sealed class EdgeMetrics
{
    public const string MeterName = "Fdt.Edge";

    /// <summary>The team label of teams beyond <see cref="EdgeMetricsOptions.MaxTeams"/>.</summary>
    public const string OtherTeams = "_other";

    private static readonly KeyValuePair<string, object?>[] StatusClasses =
    [
        new("status_class", "1xx"),
        new("status_class", "2xx"),
        new("status_class", "3xx"),
        new("status_class", "4xx"),
        new("status_class", "5xx"),
    ];

    private static readonly KeyValuePair<string, object?> SourceEdge = new("source", "edge");
    private static readonly KeyValuePair<string, object?> SourceUpstream = new("source", "upstream");
    private static readonly KeyValuePair<string, object?> ProtocolHttp = new("protocol", "http");
    private static readonly KeyValuePair<string, object?> ProtocolTcp = new("protocol", "tcp");
    private static readonly KeyValuePair<string, object?> ProtocolTls = new("protocol", "tls");
    private static readonly KeyValuePair<string, object?> DirectionIn = new("direction", "in");
    private static readonly KeyValuePair<string, object?> DirectionOut = new("direction", "out");

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _traffic;
    private readonly Counter<long> _connections;
    private readonly UpDownCounter<long> _tunnels;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _teamRequests;
    private readonly Counter<long> _teamTraffic;
    private readonly UpDownCounter<long> _teamTunnels;
    private readonly ConcurrentDictionary<string, KeyValuePair<string, object?>> _teamTags = new(StringComparer.Ordinal);
    private readonly int _maxTeams;

    public EdgeMetrics(IMeterFactory meterFactory, AgentSessionRegistry sessions, IOptions<EdgeMetricsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(options);
        _maxTeams = options.Value.MaxTeams;
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("fdt.edge.http.requests", "{request}", "Visitor HTTP requests to tunnels that finished, by status class and source (edge: an error page of the edge; upstream: everything else).");
        _duration = meter.CreateHistogram(
            "fdt.edge.http.request.duration",
            "s",
            "Time from a visitor request's arrival to the end of its response, by status class (upgraded connections left out).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets.Seconds });
        _traffic = meter.CreateCounter<long>("fdt.edge.tunnel.traffic", "By", "Body bytes through tunnels: in = from visitors to agents, out = from agents to visitors.");
        _connections = meter.CreateCounter<long>("fdt.edge.tunnel.connections", "{connection}", "Visitor connections to TCP and TLS tunnels.");
        _tunnels = meter.CreateUpDownCounter<long>("fdt.edge.tunnels", "{tunnel}", "Live tunnels on this edge, by protocol.");
        _reconnects = meter.CreateCounter<long>("fdt.edge.agent.reconnects", "{tunnel}", "Tunnel names bound again by the agent that still held their lease (a reconnect after a lost connection or an edge restart).");
        _teamRequests = meter.CreateCounter<long>("fdt.edge.team.requests", "{request}", "Requests (HTTP) and connections (TCP, TLS) forwarded to agents, by team.");
        _teamTraffic = meter.CreateCounter<long>("fdt.edge.team.traffic", "By", "Body bytes through tunnels by team and direction (in = from visitors).");
        _teamTunnels = meter.CreateUpDownCounter<long>("fdt.edge.team.tunnels", "{tunnel}", "Live tunnels on this edge, by team.");
        meter.CreateObservableGauge("fdt.edge.agent.sessions", () => ObserveSessions(sessions), "{session}", "Connected agent sessions, by transport.");
        MuxMetrics.EnsureCreated();
        meter.CreateObservableGauge("fdt.edge.mux.streams", () => ObserveStreams(sessions), "{stream}", "Open multiplexed streams over all agent sessions (each session's control stream included).");
    }

    /// <summary>Whether anything listens to the request instruments (else the edge skips timing requests).</summary>
    public bool RequestsEnabled => _requests.Enabled || _duration.Enabled;

    /// <summary>Records a finished visitor request to a tunnel host.</summary>
    /// <param name="edgeError">The edge answered with one of its error pages (the tunnel's agent or service never did).</param>
    public void RequestCompleted(int statusCode, bool edgeError, double seconds)
    {
        var tag = StatusClasses[statusCode is >= 100 and < 600 ? (statusCode / 100) - 1 : 4];
        _requests.Add(1, tag, edgeError ? SourceEdge : SourceUpstream);
        if (statusCode != 101)
        {
            _duration.Record(seconds, tag);
        }
    }

    /// <summary>The label value of a team (owner id): its own up to the configured number of teams.</summary>
    internal KeyValuePair<string, object?> TeamTag(string ownerId)
    {
        if (_teamTags.TryGetValue(ownerId, out var tag))
        {
            return tag;
        }

        var value = _teamTags.Count < _maxTeams ? ownerId : OtherTeams;
        return _teamTags.GetOrAdd(ownerId, new KeyValuePair<string, object?>("team", value));
    }

    internal void TunnelBound(TunnelBinding binding, bool resumed)
    {
        _tunnels.Add(1, Protocol(binding.Protocol));
        if (_maxTeams > 0)
        {
            _teamTunnels.Add(1, binding.TeamTag);
        }

        if (resumed)
        {
            _reconnects.Add(1, Protocol(binding.Protocol));
        }
    }

    internal void TunnelReleased(TunnelBinding binding)
    {
        _tunnels.Add(-1, Protocol(binding.Protocol));
        if (_maxTeams > 0)
        {
            _teamTunnels.Add(-1, binding.TeamTag);
        }
    }

    /// <summary>A request (HTTP) or connection (TCP, TLS) goes to the agent.</summary>
    internal void Forwarded(TunnelBinding binding)
    {
        if (binding.Protocol != TunnelProtocol.Http)
        {
            _connections.Add(1, Protocol(binding.Protocol));
        }

        if (_maxTeams > 0)
        {
            _teamRequests.Add(1, binding.TeamTag);
        }
    }

    internal void Traffic(TunnelBinding binding, long bytesIn, long bytesOut)
    {
        var protocol = Protocol(binding.Protocol);
        if (bytesIn > 0)
        {
            _traffic.Add(bytesIn, DirectionIn, protocol);
            if (_maxTeams > 0)
            {
                _teamTraffic.Add(bytesIn, binding.TeamTag, DirectionIn);
            }
        }

        if (bytesOut > 0)
        {
            _traffic.Add(bytesOut, DirectionOut, protocol);
            if (_maxTeams > 0)
            {
                _teamTraffic.Add(bytesOut, binding.TeamTag, DirectionOut);
            }
        }
    }

    private static KeyValuePair<string, object?> Protocol(TunnelProtocol protocol) => protocol switch
    {
        TunnelProtocol.Tcp => ProtocolTcp,
        TunnelProtocol.Tls => ProtocolTls,
        _ => ProtocolHttp,
    };

    private static IEnumerable<Measurement<int>> ObserveSessions(AgentSessionRegistry sessions)
    {
        var byTransport = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [AgentTransportKinds.Socket] = 0,
            [AgentTransportKinds.Upgrade] = 0,
            [AgentTransportKinds.WebSocket] = 0,
        };
        foreach (var session in sessions.Sessions)
        {
            byTransport[session.Transport] = byTransport.GetValueOrDefault(session.Transport) + 1;
        }

        return byTransport.Select(t => new Measurement<int>(t.Value, new KeyValuePair<string, object?>("transport", t.Key)));
    }

    private static long ObserveStreams(AgentSessionRegistry sessions)
    {
        long streams = 0;
        foreach (var session in sessions.Sessions)
        {
            streams += session.Mux.StreamCount;
        }

        return streams;
    }
}
