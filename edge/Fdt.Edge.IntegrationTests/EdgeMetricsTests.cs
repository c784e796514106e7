using System.Diagnostics.Metrics;
using System.Net;
using Fdt.Agent.Events;
using Fdt.Observability.Metrics;
using Fdt.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Edge.IntegrationTests;

/// <summary>The edge's instruments, read through the Prometheus exposition as a scrape would.</summary>
public sealed class EdgeMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HttpTraffic_CountsRequestsByStatusClassDurationBytesTunnelsAndSessions()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        using var collector = Collector(edge);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, origin.Address);
        var url = (await agent.WaitForTunnelAsync()).Urls[0];
        using var visitor = edge.CreateVisitor();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("hello from origin", await visitor.GetStringAsync(url + "/hello", Ct));
        }

        using (var body = new ByteArrayContent(new byte[1000]))
        using (var posted = await visitor.PostAsync(url + "/sha256", body, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        using (var missing = await visitor.GetAsync(new Uri(edge.ServerUrl, "/").ToString().Replace("127.0.0.1", "nosuchtunnel.localhost", StringComparison.Ordinal), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // Server endpoints (the agent endpoint's 426, /) are not visitor traffic.
        using (await visitor.GetAsync(edge.ServerUrl, Ct))
        {
        }

        PrometheusScrape scrape = null!;
        await Eventually.TrueAsync(() => (scrape = Scrape(collector)).Sum("fdt_edge_http_requests_total", "status_class=2xx") == 4, "four 2xx requests counted", cancellationToken: Ct);
        Assert.Equal(4, scrape.Value("fdt_edge_http_requests_total", "status_class=2xx", "source=upstream"));
        Assert.Equal(1, scrape.Value("fdt_edge_http_requests_total", "status_class=4xx", "source=edge"));
        Assert.Empty(scrape.Find("fdt_edge_http_requests_total", "status_class=5xx"));
        Assert.Equal(4, scrape.Value("fdt_edge_http_request_duration_seconds_count", "status_class=2xx"));
        Assert.Equal(4, scrape.Value("fdt_edge_http_request_duration_seconds_bucket", "status_class=2xx", "le=+Inf"));
        Assert.True(scrape.Value("fdt_edge_http_request_duration_seconds_sum", "status_class=2xx") > 0);
        Assert.Equal("histogram", scrape.Types["fdt_edge_http_request_duration_seconds"]);
        Assert.Equal(1000, scrape.Value("fdt_edge_tunnel_traffic_bytes_total", "direction=in", "protocol=http"));
        Assert.True(scrape.Value("fdt_edge_tunnel_traffic_bytes_total", "direction=out", "protocol=http") >= 3 * "hello from origin".Length);
        Assert.Equal(1, scrape.Value("fdt_edge_tunnels", "protocol=http"));
        Assert.Equal(1, scrape.Sum("fdt_edge_agent_sessions"));
        Assert.True(scrape.Value("fdt_edge_mux_streams") >= 1);
        Assert.Equal(1, scrape.Value("fdt_edge_team_tunnels", "team=dev"));
        Assert.Equal(4, scrape.Value("fdt_edge_team_requests_total", "team=dev"));
        Assert.Equal(1000, scrape.Value("fdt_edge_team_traffic_bytes_total", "team=dev", "direction=in"));
        Assert.Null(scrape.Value("fdt_edge_agent_reconnects_total", "protocol=http"));

        // No label carries a tunnel name or a path.
        Assert.DoesNotContain(new Uri(url).Host.Split('.')[0], scrape.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("/hello", scrape.Text, StringComparison.Ordinal);

        await agent.StopAsync();
        await Eventually.TrueAsync(() => (scrape = Scrape(collector)).Value("fdt_edge_tunnels", "protocol=http") == 0 && scrape.Sum("fdt_edge_agent_sessions") == 0, "tunnel and session gone", cancellationToken: Ct);
        Assert.Equal(0, scrape.Value("fdt_edge_team_tunnels", "team=dev"));
    }

    [Fact]
    public async Task AgentReconnect_CountsTheResumedNameAndTheEdgeErrorMeanwhile()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        using var collector = Collector(edge);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, edge.Port));
        await using var agent = AgentHarness.Start(new Uri($"http://127.0.0.1:{relay.Port}"), origin.Address);
        var before = await agent.WaitForTunnelAsync();
        Assert.Null(Scrape(collector).Value("fdt_edge_agent_reconnects_total", "protocol=http"));

        relay.Block();
        relay.CutConnections();
        await agent.WaitForAsync<ConnectionLostEvent>();
        using var visitor = edge.CreateVisitor();
        var url = before.Urls[0].Replace($":{relay.Port}", $":{edge.Port}", StringComparison.Ordinal);
        await Eventually.TrueAsync(() => edge.Tunnels.Count == 0, "the edge saw the agent go", cancellationToken: Ct);
        using (var offline = await visitor.GetAsync(url + "/hello", Ct))
        {
            Assert.Equal(HttpStatusCode.BadGateway, offline.StatusCode);
        }

        relay.Unblock();
        var after = await agent.WaitForTunnelAsync();
        Assert.Equal(before.Name, after.Name);

        var scrape = Scrape(collector);
        Assert.Equal(1, scrape.Value("fdt_edge_http_requests_total", "status_class=5xx", "source=edge"));
        Assert.Equal(1, scrape.Value("fdt_edge_agent_reconnects_total", "protocol=http"));
        Assert.Equal(1, scrape.Value("fdt_edge_tunnels", "protocol=http"));
    }

    [Fact]
    public async Task MaxTeamsZero_LeavesThePerTeamSeriesOut()
    {
        await using var edge = await EdgeTestHost.StartAsync(new Dictionary<string, string?> { ["Edge:Metrics:MaxTeams"] = "0" }, cancellationToken: Ct);
        using var collector = Collector(edge);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, origin.Address);
        var url = (await agent.WaitForTunnelAsync()).Urls[0];
        using var visitor = edge.CreateVisitor();
        Assert.Equal("hello from origin", await visitor.GetStringAsync(url + "/hello", Ct));

        PrometheusScrape scrape = null!;
        await Eventually.TrueAsync(() => (scrape = Scrape(collector)).Sum("fdt_edge_http_requests_total", "status_class=2xx") == 1, cancellationToken: Ct);
        Assert.Empty(scrape.Find("fdt_edge_team_tunnels"));
        Assert.Empty(scrape.Find("fdt_edge_team_requests_total"));
        Assert.Equal(1, scrape.Value("fdt_edge_tunnels", "protocol=http"));
    }

    /// <summary>A collector of this edge host's meters only (other tests' hosts run in the same process).</summary>
    private static MetricsCollector Collector(EdgeTestHost edge)
    {
        var collector = new MetricsCollector(new MetricsCollectorOptions { Meters = ["Fdt.*"] }, edge.Services.GetRequiredService<IMeterFactory>());
        collector.Start();
        return collector;
    }

    private static PrometheusScrape Scrape(MetricsCollector collector) => PrometheusScrape.Parse(collector.Collect());
}
