using System.Net;
using System.Text.Json;
using Fdt.Agent.Events;

namespace Fdt.Edge.IntegrationTests;

/// <summary>X-Request-Id and traceparent travel edge → agent → local service, and back to the visitor.</summary>
public sealed class RequestIdTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EdgeAssignsAnId_ThatTheServiceTheVisitorAndTheAgentSee()
    {
        await using var tunnel = await TestTunnel.StartAsync();

        using var response = await tunnel.GetAsync("/headers", ("X-Request-Id", "visitor-chosen"));
        var seen = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync(Ct))!;

        var id = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, seen["x-request-id"]);
        Assert.Matches($"^00-{id}-[0-9a-f]{{16}}-01$", seen["traceparent"]);
        var logged = await tunnel.Agent.WaitForAsync<RequestEvent>(e => e.Exchange.Target == "/headers");
        Assert.Equal(id, logged.Exchange.RequestId);
    }

    [Fact]
    public async Task VisitorsTraceparent_KeepsItsTraceId_WithTheEdgeAsTheNewParent()
    {
        await using var tunnel = await TestTunnel.StartAsync();
        const string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        using var response = await tunnel.GetAsync("/headers", ("traceparent", parent));
        var seen = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", response.Headers.GetValues("X-Request-Id").Single());
        Assert.StartsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-", seen["traceparent"], StringComparison.Ordinal);
        Assert.NotEqual(parent, seen["traceparent"]);

        // A malformed one starts a new trace.
        using var bad = await tunnel.GetAsync("/headers", ("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        Assert.NotEqual("00000000000000000000000000000000", bad.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task VisitorsRequestId_IsKeptOnlyBehindATrustedProxy()
    {
        await using var trusted = await TestTunnel.StartAsync(settings: ("Edge:TrustForwardedHeaders", "true"));

        using var response = await trusted.GetAsync("/headers", ("X-Request-Id", "lb-1234"));
        using var invalid = await trusted.GetAsync("/headers", ("X-Request-Id", "has spaces"));

        Assert.Equal("lb-1234", response.Headers.GetValues("X-Request-Id").Single());
        Assert.Contains("\"x-request-id\":\"lb-1234\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", invalid.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task EdgeErrorPages_CarryTheRequestId()
    {
        await using var tunnel = await TestTunnel.StartAsync(new Fdt.Protocol.Control.TunnelPolicyRequest { CidrDeny = ["127.0.0.0/8"] });

        using var response = await tunnel.GetAsync("/hello", ("Accept", "application/json"));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var id = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Equal(id, problem.RootElement.GetProperty("requestId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", id);
    }
}
