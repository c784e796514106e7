using System.Net;
using Fdt.Agent;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Fdt.Testing;

namespace Fdt.Edge.IntegrationTests;

/// <summary>Per-tunnel schemes (--scheme) and the HTTP-to-HTTPS redirect, seen by plain HTTP visitors.</summary>
public sealed class SchemeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, false, new[] { "http", "https" }, HttpStatusCode.OK)]
    [InlineData("both", true, new[] { "http", "https" }, HttpStatusCode.PermanentRedirect)]
    [InlineData("https", false, new[] { "https" }, HttpStatusCode.PermanentRedirect)]
    [InlineData("http", false, new[] { "http" }, HttpStatusCode.OK)]
    public async Task Scheme_ChoosesTheUrlsAndWhatPlainHttpVisitorsGet(string? scheme, bool redirect, string[] schemes, HttpStatusCode status)
    {
        // The edge announces https://NAME.localhost (port 443) without listening for it itself.
        await using var edge = await EdgeTestHost.StartAsync(new Dictionary<string, string?> { ["Edge:PublicHttpsPort"] = "443" }, cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var agent = StartAgent(edge, origin.Address, scheme, redirect);
        var started = await agent.WaitForTunnelAsync();
        Assert.Equal(schemes, started.Urls.Select(u => new Uri(u).Scheme));
        using var visitor = edge.CreateVisitor();

        using var response = await visitor.GetAsync($"http://{started.Name}.localhost:{edge.Port}/hello?x=1", Ct);

        Assert.Equal(status, response.StatusCode);
        if (status == HttpStatusCode.PermanentRedirect)
        {
            Assert.Equal(new Uri($"https://{started.Name}.localhost/hello?x=1"), response.Headers.Location);
        }
        else
        {
            Assert.Equal("hello from origin", await response.Content.ReadAsStringAsync(Ct));
        }
    }

    [Theory]
    [InlineData("https", false)]
    [InlineData(null, true)]
    [InlineData("ftp", false)]
    public async Task HttpsAskedOfAnEdgeWithoutHttps_OrUnknownScheme_IsRefused(string? scheme, bool redirect)
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var agent = StartAgent(edge, "127.0.0.1:9", scheme, redirect);

        var refused = await Assert.ThrowsAsync<AgentException>(() => agent.Run);
        Assert.Equal(ErrorCodes.InvalidBindRequest, refused.Code);
    }

    private static AgentHarness StartAgent(EdgeTestHost edge, string target, string? scheme, bool redirect)
        => AgentHarness.Start(edge.ServerUrl, target, configure: o => o with
        {
            Tunnels = [o.Tunnels[0] with { Protocol = TunnelProtocol.Http, Scheme = scheme, RedirectHttps = redirect }],
        });
}
