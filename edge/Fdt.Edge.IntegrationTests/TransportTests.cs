using System.Net;
using System.Security.Cryptography;
using Fdt.Agent;
using Fdt.Testing;

namespace Fdt.Edge.IntegrationTests;

/// <summary>Both ways an agent can carry its mux to the edge, and the endpoint's answer to anything else.</summary>
public sealed class TransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(AgentTransport.Upgrade, true, "upgrade", "socket")]
    [InlineData(AgentTransport.Upgrade, false, "upgrade", "upgrade")]
    [InlineData(AgentTransport.WebSocket, true, "websocket", "websocket")]
    [InlineData(AgentTransport.Auto, true, "upgrade", "socket")]
    public async Task Transport_CarriesTrafficBothWays(AgentTransport transport, bool fastPath, string expected, string edgeSide)
    {
        await using var edge = await EdgeTestHost.StartAsync(new Dictionary<string, string?> { ["Edge:AgentFastPath"] = fastPath ? "true" : "false" }, cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, origin.Address, configure: o => o with { Transport = transport });
        var url = (await agent.WaitForTunnelAsync()).Urls[0];
        Assert.Equal(expected, agent.Agent.Transport);
        Assert.Equal(edgeSide, Assert.Single(edge.Sessions.Sessions).Transport);

        using var visitor = edge.CreateVisitor();
        var upload = RandomNumberGenerator.GetBytes(3_000_000);
        using var content = new ByteArrayContent(upload);
        using var response = await visitor.PostAsync(url + "/sha256", content, Ct);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(upload)), await response.Content.ReadAsStringAsync(Ct));
        var download = await visitor.GetByteArrayAsync(url + "/download?size=3000000", Ct);
        Assert.Equal(OriginServer.Content(3_000_000), download);
    }

    [Fact]
    public async Task AgentPathOnATunnelHost_IsForwardedToTheTunnel()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, origin.Address);
        var url = (await agent.WaitForTunnelAsync()).Urls[0];

        // The same request an agent sends, but addressed to a tunnel: it belongs to the tunnel.
        using var client = edge.CreateVisitor();
        using var request = new HttpRequestMessage(HttpMethod.Get, url + "/_fdt/agent");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("fdt-mux", "1"));
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal("origin GET /_fdt/agent", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task AgentEndpoint_PlainRequest_Gets426WithTheUpgradesItAccepts()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        using var client = edge.CreateVisitor();
        using var response = await client.GetAsync(new Uri(edge.ServerUrl, "/_fdt/agent"), Ct);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("fdt-mux/1", response.Headers.Upgrade.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
