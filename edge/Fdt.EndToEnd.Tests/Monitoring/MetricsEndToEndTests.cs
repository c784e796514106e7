using System.Globalization;
using System.Net;
using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests.Monitoring;

/// <summary>
/// /metrics of the built fdt-server after real tunnel traffic, checked by Prometheus's own tools:
/// promtool's linter, a real Prometheus scraping it and answering queries, and the alert rules
/// and Grafana dashboards in infra/monitoring, which may only use metrics the server exposes.
/// </summary>
public sealed class MetricsEndToEndTests(MonitoredServer monitored) : IClassFixture<MonitoredServer>
{
    /// <summary>Made by Prometheus itself for every target, not by the server.</summary>
    private static readonly HashSet<string> PrometheusGenerated = new(StringComparer.Ordinal) { "up" };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scrape_AfterTunnelTraffic_PassesPromtoolCheckMetrics()
    {
        var scrape = await monitored.ScrapeAsync();

        var (exitCode, output) = await Promtool.RunAsync(scrape.Text, "check", "metrics");

        Assert.True(exitCode == 0, $"promtool check metrics failed:\n{output}");
        Assert.Equal(string.Empty, output.Trim());
        Assert.Equal(6, scrape.Value("fdt_edge_http_requests_total", "status_class=2xx", "source=upstream"));
        Assert.Equal(1, scrape.Value("fdt_edge_http_requests_total", "status_class=4xx", "source=edge"));
        Assert.Equal(1, scrape.Value("fdt_edge_tunnels", "protocol=http"));
        Assert.Equal(4096, scrape.Value("fdt_edge_tunnel_traffic_bytes_total", "direction=in", "protocol=http"));
        Assert.Equal(1, scrape.Sum("fdt_edge_agent_sessions"));
        Assert.Equal(1, scrape.Value("fdt_api_auth_failures_total", "reason=invalid_credentials"));
        Assert.Equal(1, scrape.Value("fdt_api_requests_total", "route=/v1/setup", "method=POST", "status_code=201"));
        Assert.Equal(1, scrape.Value("fdt_build_info", "roles=edge,api,workers,console"));
        Assert.True(scrape.Value("fdt_certificate_expiry_timestamp_seconds", "source=development_ca") > DateTimeOffset.UtcNow.AddYears(5).ToUnixTimeSeconds());
        Assert.True(scrape.Sum("dotnet_process_cpu_time_seconds_total") > 0);
        Assert.True(scrape.Value("dotnet_process_memory_working_set_bytes") > 0);
        Assert.Equal("histogram", scrape.Types["fdt_jobs_duration_seconds"]);
    }

    [Fact]
    public async Task MetricsPort_ServesMetricsAndHealthOnly_AndTheMainPortNoMetrics()
    {
        using var main = monitored.Server.CreateVisitor();
        using (var metricsOnMain = await main.GetAsync(new Uri(monitored.Server.Url, "/metrics"), Cancel))
        {
            Assert.Equal(HttpStatusCode.NotFound, metricsOnMain.StatusCode);
        }

        Assert.Equal("ok\n", await main.GetStringAsync(new Uri(monitored.Server.Url, "/healthz"), Cancel));

        using (var metrics = await monitored.GetMetricsPortAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        }

        using (var ready = await monitored.GetMetricsPortAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Cancel));
            Assert.Equal("ready", json.RootElement.GetProperty("status").GetString());
        }

        using (var api = await monitored.GetMetricsPortAsync("/v1/setup"))
        {
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        }

        // Not even a tunnel is reachable through the metrics port.
        using var tunnelClient = LoopbackHttp.CreateClient(monitored.MetricsPort);
        using var tunnel = await tunnelClient.GetAsync(new Uri(monitored.TunnelUrl + "/hello"), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, tunnel.StatusCode);
    }

    [Fact]
    public async Task Prometheus_ScrapesTheServer_QueriesDashboardsAndEvaluatesTheAlertRules()
    {
        await monitored.ScrapeAsync();
        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{monitored.MetricsPort}", MonitoringFiles.RuleFiles);

        await Eventually.TrueAsync(
            async () => (await prometheus.QueryAsync("""fdt_edge_tunnels{job="fdt-edge",protocol="http"}""")).GetArrayLength() == 1,
            "Prometheus scraped the server",
            TimeSpan.FromSeconds(60),
            Cancel);
        Assert.Equal(1, Number(await prometheus.QueryAsync("""fdt_edge_tunnels{job="fdt-edge",protocol="http"}""")));
        Assert.Equal(1, Number(await prometheus.QueryAsync("""up{job="fdt-edge"}""")));
        Assert.Equal(6, Number(await prometheus.QueryAsync("""sum(fdt_edge_http_requests_total{status_class="2xx"})""")));
        Assert.Equal(1, Number(await prometheus.QueryAsync("fdt_database_up")));
        var build = Assert.Single((await prometheus.QueryAsync("fdt_build_info")).EnumerateArray());
        Assert.Equal("edge,api,workers,console", build.GetProperty("metric").GetProperty("roles").GetString());

        // Every dashboard query is valid PromQL against the real server's series.
        foreach (var (source, expression) in MonitoringFiles.DashboardQueries())
        {
            if (!expression.StartsWith("label_values(", StringComparison.Ordinal))
            {
                try
                {
                    await prometheus.QueryAsync(PromQl.Resolve(expression));
                }
                catch (InvalidOperationException ex)
                {
                    Assert.Fail($"{source}: {ex.Message}");
                }
            }
        }

        // The alert rules load and evaluate without errors on live data, and nothing fires.
        Dictionary<string, (string Health, string? Error)> rules = [];
        await Eventually.TrueAsync(
            async () => (rules = await prometheus.RulesAsync()).Count > 0 && rules.Values.All(r => r.Health == "ok"),
            "every rule evaluated",
            TimeSpan.FromSeconds(30),
            Cancel);
        Assert.Equal(9, rules.Count);
        Assert.Empty((await prometheus.QueryAsync("ALERTS")).EnumerateArray());
    }

    [Fact]
    public async Task DashboardsAndAlerts_UseOnlyMetricsTheServerExposes()
    {
        var exposed = (await monitored.ScrapeAsync()).ExposedNames();
        var queries = MonitoringFiles.DashboardQueries().Concat(MonitoringFiles.AlertExpressions()).ToList();
        var referenced = queries.SelectMany(q => PromQl.MetricNames(q.Expression).Select(name => (q.Source, Name: name))).ToList();

        // The check itself must see the queries: four dashboards and nine alerts, many metrics.
        Assert.Equal(4, MonitoringFiles.DashboardFiles.Count());
        Assert.Equal(9, MonitoringFiles.AlertExpressions().Count());
        Assert.Contains(referenced, r => r.Name == "fdt_edge_http_request_duration_seconds_bucket");
        Assert.Contains(referenced, r => r.Name == "fdt_jobs_failures_total");
        Assert.True(referenced.Select(r => r.Name).Distinct().Count() >= 25, string.Join(", ", referenced.Select(r => r.Name).Distinct()));

        var missing = referenced.Where(r => !exposed.Contains(r.Name) && !PrometheusGenerated.Contains(r.Name)).ToList();
        Assert.True(missing.Count == 0, "Not exposed by the server:\n" + string.Join('\n', missing.Select(m => $"{m.Name} (in {m.Source})")));
    }

    private static double Number(JsonElement result)
    {
        var only = Assert.Single(result.EnumerateArray());
        return double.Parse(only.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }
}
