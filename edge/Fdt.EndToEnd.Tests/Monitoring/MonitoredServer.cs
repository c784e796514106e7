using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests.Monitoring;

/// <summary>
/// fdt-server with every role and an internal metrics port, an fdt agent with an HTTP tunnel to a
/// local origin, and some real traffic through it: shared by the monitoring tests.
/// </summary>
public sealed class MonitoredServer : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-metrics-{Guid.NewGuid():N}");
    private OriginServer? _origin;
    private ServerProcess? _server;
    private ServerOperator? _operator;
    private AgentProcess? _agent;

    internal ServerProcess Server => _server!;

    /// <summary>The tunnel's public URL.</summary>
    public string TunnelUrl { get; private set; } = null!;

    public int MetricsPort => Server.MetricsPort;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _origin = await OriginServer.StartAsync(ct);
        _server = await ServerProcess.StartAsync(_dataDirectory, null, roles: "all", extra: ["--metrics-port", "0"]);
        Assert.NotEqual(_server.Port, _server.MetricsPort);
        _operator = await ServerOperator.CreateFirstAsync(_server, "ops@example.com", "Ops");
        using var created = await _operator.Client.PostAsJsonAsync($"/v1/teams/{_operator.TeamId}/authtokens", new { description = "metrics e2e" }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var authtoken = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString()!;

        _agent = AgentProcess.Start(_server.Url, _origin.Address, authtoken);
        TunnelUrl = await _agent.WaitForUrlAsync();
        using var visitor = _server.CreateVisitor();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("hello from origin", await visitor.GetStringAsync(TunnelUrl + "/hello", ct));
        }

        using (var body = new ByteArrayContent(new byte[4096]))
        using (var posted = await visitor.PostAsync(TunnelUrl + "/sha256", body, ct))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        using (var missing = await visitor.GetAsync($"http://nosuchtunnel.localhost:{_server.Port}/", ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using var anonymous = LoopbackHttp.CreateClient(_server.Port);
        using (var wrong = await anonymous.PostAsJsonAsync(new Uri(_server.Url, "/v1/auth/login"), new { email = "ops@example.com", password = "wrong password" }, ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
    }

    /// <summary>GETs a path on the metrics port.</summary>
    public async Task<HttpResponseMessage> GetMetricsPortAsync(string path)
    {
        using var client = LoopbackHttp.CreateClient(MetricsPort);
        return await client.GetAsync(new Uri($"http://127.0.0.1:{MetricsPort}{path}"), TestContext.Current.CancellationToken);
    }

    /// <summary>Scrapes /metrics on the metrics port, once the visitor requests above are all counted.</summary>
    public async Task<PrometheusScrape> ScrapeAsync()
    {
        PrometheusScrape scrape = null!;
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await GetMetricsPortAsync("/metrics");
                scrape = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                return scrape.Sum("fdt_edge_http_requests_total", "status_class=2xx") >= 6;
            },
            "the tunnel's requests are counted",
            cancellationToken: TestContext.Current.CancellationToken);
        return scrape;
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _operator?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
