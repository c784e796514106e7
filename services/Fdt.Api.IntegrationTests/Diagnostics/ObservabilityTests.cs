using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fdt.Api.Diagnostics;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Data;
using Fdt.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Diagnostics;

/// <summary>/metrics, /healthz and /readyz of the server with every role, and the API's instruments.</summary>
public sealed class ObservabilityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_CountRequestsByRouteTemplateAndAuthFailuresByReason()
    {
        await using var factory = CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();

        using (var wrong = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = "not the password" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var forged = Client(factory, "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"))
        using (var me = await forged.GetAsync("/v1/auth/me", Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using (var agent = factory.CreateClient())
        {
            agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "fdt_not_a_real_authtoken_0123456789");
            using var exchange = await agent.PostAsync("/v1/agent/token", null, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, exchange.StatusCode);
        }

        using (var authorized = Client(factory, alice.AccessToken))
        using (var team = await authorized.GetAsync($"/v1/teams/{alice.TeamId:D}", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, team.StatusCode);
        }

        var scrape = await ScrapeAsync(client);

        Assert.Equal(1, scrape.Value("fdt_api_auth_failures_total", "reason=invalid_credentials"));
        Assert.Equal(1, scrape.Value("fdt_api_auth_failures_total", "reason=access_token_rejected"));
        Assert.Equal(1, scrape.Value("fdt_api_auth_failures_total", "reason=authtoken_rejected"));
        Assert.Equal(1, scrape.Value("fdt_api_requests_total", "route=/v1/auth/login", "method=POST", "status_code=401"));
        Assert.Equal(1, scrape.Value("fdt_api_requests_total", "route=/v1/teams/{teamId:guid}", "method=GET", "status_code=200"));
        Assert.Equal(1, scrape.Value("fdt_api_request_duration_seconds_count", "route=/v1/teams/{teamId:guid}", "method=GET"));
        Assert.Equal("histogram", scrape.Types["fdt_api_request_duration_seconds"]);

        // Never a raw path: ids stay out of labels.
        Assert.DoesNotContain(alice.TeamId.ToString("D"), scrape.Text, StringComparison.OrdinalIgnoreCase);

        // Every role's families are there, including the declared-but-idle job instruments.
        Assert.Equal("counter", scrape.Types["fdt_jobs_runs_total"]);
        Assert.Equal("counter", scrape.Types["fdt_jobs_failures_total"]);
        Assert.Equal("histogram", scrape.Types["fdt_jobs_duration_seconds"]);
        Assert.Equal("gauge", scrape.Types["fdt_edge_tunnels"]);
        Assert.Equal("counter", scrape.Types["fdt_mux_flow_control_stalls_total"]);
        Assert.Equal("counter", scrape.Types["dotnet_process_cpu_time_seconds_total"]);
        Assert.Equal(1, scrape.Value("fdt_build_info", "roles=edge,api,workers"));
        await Eventually.TrueAsync(async () => (await ScrapeAsync(client)).Value("fdt_database_up") == 1, "the database probe ran", cancellationToken: Cancel);
    }

    [Fact]
    public async Task Metrics_ExpositionContentType()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/metrics", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task MetricsPort_MetricsAreNotServedOnTheMainPort()
    {
        await using var factory = CreateFactory(("Server:MetricsPort", "9464"));
        using var client = factory.CreateClient();

        using var metrics = await client.GetAsync("/metrics", Cancel);
        using var health = await client.GetAsync("/healthz", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Healthz_And_Readyz_WithEveryRole()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        Assert.Equal("ok\n", await client.GetStringAsync("/healthz", Cancel));
        using var ready = await client.GetAsync("/readyz", Cancel);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("ready", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal(["control_plane", "database", "listeners"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("ready", c.Value.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task DatabaseMonitor_UnreachableDatabase_IsNotReadyAndReportsDown()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var monitor = new DatabaseMonitor(new UnreachableDatabase(), Options.Create(new ApiOptions()), meterFactory, NullLogger<DatabaseMonitor>.Instance);
        int? up = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == "fdt.database.up")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => up = value);
        listener.Start();

        var result = await monitor.CheckHealthAsync(new HealthCheckContext(), Cancel);
        listener.RecordObservableInstruments();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("connection refused", result.Description, StringComparison.Ordinal);
        Assert.Equal(0, up);
    }

    private static async Task<PrometheusScrape> ScrapeAsync(HttpClient client)
        => PrometheusScrape.Parse(await client.GetStringAsync("/metrics", Cancel));

    private sealed class UnreachableDatabase : IDbContextFactory<FdtDbContext>
    {
        public FdtDbContext CreateDbContext() => throw new InvalidOperationException("connection refused");
    }
}
