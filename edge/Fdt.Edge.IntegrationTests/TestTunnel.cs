using Fdt.Edge.Routing;
using Fdt.Protocol.Control;
using Fdt.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Edge.IntegrationTests;

/// <summary>An edge, an origin and an agent with one HTTP tunnel between them, and a visitor client.</summary>
internal sealed record TestTunnel(EdgeTestHost Edge, OriginServer Origin, AgentHarness Agent, string Url, HttpClient Visitor) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TunnelBinding Binding => Assert.Single(Edge.Tunnels.Bindings);

    /// <param name="services">Registers services before the edge's own (a policy source, a capture sink).</param>
    public static async Task<TestTunnel> StartAsync(TunnelPolicyRequest? policy = null, Action<IServiceCollection>? services = null, params (string Key, string Value)[] settings)
    {
        var edge = await EdgeTestHost.StartAsync(settings.ToDictionary(s => s.Key, s => (string?)s.Value), services, cancellationToken: Ct);
        var origin = await OriginServer.StartAsync(Ct);
        var agent = AgentHarness.Start(edge.ServerUrl, origin.Address, configure: o => o with { Tunnels = [o.Tunnels[0] with { Policy = policy }] });
        var url = (await agent.WaitForTunnelAsync()).Urls[0];
        return new TestTunnel(edge, origin, agent, url, edge.CreateVisitor());
    }

    public async Task<HttpResponseMessage> GetAsync(string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url + path);
        return await SendAsync(request, headers);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url + path) { Content = new ByteArrayContent(body) };
        return await SendAsync(request, headers);
    }

    public async ValueTask DisposeAsync()
    {
        Visitor.Dispose();
        await Agent.DisposeAsync();
        await Origin.DisposeAsync();
        await Edge.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, (string Name, string Value)[] headers)
    {
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Visitor.SendAsync(request, Ct);
    }
}
