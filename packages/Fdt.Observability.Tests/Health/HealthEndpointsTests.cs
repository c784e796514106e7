using System.Text.Json;
using Fdt.Observability.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fdt.Observability.Tests.Health;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task LiveAsync_AnswersOk()
    {
        var (context, body) = Context(new ServiceCollection().BuildServiceProvider());

        await HealthEndpoints.LiveAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("ok\n", Read(body));
    }

    [Fact]
    public async Task ReadyAsync_AllReadyChecksPass_Answers200()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks()
            .AddCheck("database", () => HealthCheckResult.Healthy("reachable"), tags: [HealthTags.Ready])
            .AddCheck("not-for-readiness", () => HealthCheckResult.Unhealthy("ignored"));
        var (context, body) = Context(services.BuildServiceProvider());

        await HealthEndpoints.ReadyAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        using var json = JsonDocument.Parse(Read(body));
        Assert.Equal("ready", json.RootElement.GetProperty("status").GetString());
        Assert.Empty(json.RootElement.GetProperty("notReady").EnumerateArray());
        Assert.Equal("reachable", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("description").GetString());
        Assert.False(json.RootElement.GetProperty("checks").TryGetProperty("not-for-readiness", out _));
    }

    [Fact]
    public async Task ReadyAsync_AFailingCheck_Answers503NamingIt()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks()
            .AddCheck("listeners", () => HealthCheckResult.Healthy(), tags: [HealthTags.Ready])
            .AddCheck("database", () => HealthCheckResult.Unhealthy("connection refused"), tags: [HealthTags.Ready]);
        var (context, body) = Context(services.BuildServiceProvider());

        await HealthEndpoints.ReadyAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.StartsWith("application/json", context.Response.ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(Read(body));
        Assert.Equal("not_ready", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(["database"], json.RootElement.GetProperty("notReady").EnumerateArray().Select(e => e.GetString()));
        var database = json.RootElement.GetProperty("checks").GetProperty("database");
        Assert.Equal("not_ready", database.GetProperty("status").GetString());
        Assert.Equal("connection refused", database.GetProperty("description").GetString());
        Assert.Equal("ready", json.RootElement.GetProperty("checks").GetProperty("listeners").GetProperty("status").GetString());
    }

    private static (DefaultHttpContext Context, MemoryStream Body) Context(IServiceProvider services)
    {
        var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = body;
        return (context, body);
    }

    private static string Read(MemoryStream body) => System.Text.Encoding.UTF8.GetString(body.ToArray());
}
