using System.Net;
using System.Net.Sockets;
using Fdt.Agent;
using Fdt.Agent.Events;
using Fdt.Protocol;
using Fdt.Testing;

namespace Fdt.Edge.IntegrationTests;

/// <summary>What visitors and agents see when things go wrong, and how sessions survive.</summary>
public sealed class FailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LocalServiceDown_Returns502WithLocalServiceCode()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        var closedPort = FreePort();
        await using var agent = AgentHarness.Start(edge.ServerUrl, $"127.0.0.1:{closedPort}");
        var url = (await agent.WaitForTunnelAsync()).Urls[0];
        using var visitor = edge.CreateVisitor();

        using var response = await visitor.GetAsync(url + "/", Ct);
        AssertEdgeError(response, HttpStatusCode.BadGateway, ErrorCodes.LocalServiceUnavailable);
        Assert.Contains("connection refused", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var reported = await agent.WaitForAsync<LocalServiceErrorEvent>();
        Assert.Equal($"http://127.0.0.1:{closedPort}", reported.Target);
    }

    [Fact]
    public async Task AgentKilled_VisitorGets502AgentCode()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, edge.Port));
        var agent = AgentHarness.Start(new Uri($"http://127.0.0.1:{relay.Port}"), origin.Address);
        var url = (await agent.WaitForTunnelAsync()).Urls[0].Replace($":{relay.Port}", $":{edge.Port}", StringComparison.Ordinal);
        using var visitor = edge.CreateVisitor();
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(url + "/hello", Ct)).StatusCode);

        // The agent's process dies: its connection drops without a goodbye and it never returns.
        relay.Block();
        relay.CutConnections();
        await agent.DisposeAsync();
        await WaitUntilAsync(() => edge.Sessions.Count == 0);

        using var response = await visitor.GetAsync(url + "/hello", Ct);
        AssertEdgeError(response, HttpStatusCode.BadGateway, ErrorCodes.AgentUnavailable);
    }

    [Fact]
    public async Task AgentGoneMidRequest_VisitorGets502AgentCode()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, edge.Port));
        await using var agent = AgentHarness.Start(new Uri($"http://127.0.0.1:{relay.Port}"), origin.Address);
        var url = (await agent.WaitForTunnelAsync()).Urls[0].Replace($":{relay.Port}", $":{edge.Port}", StringComparison.Ordinal);
        using var visitor = edge.CreateVisitor();

        var pending = visitor.GetAsync(url + "/slow", Ct);
        await origin.Seen.Reader.ReadAsync(Ct);
        relay.Block();
        relay.CutConnections();
        using var response = await pending;
        AssertEdgeError(response, HttpStatusCode.BadGateway, ErrorCodes.AgentUnavailable);
    }

    [Fact]
    public async Task UpstreamTooSlow_Returns504TimeoutCode()
    {
        await using var edge = await EdgeTestHost.StartAsync(new Dictionary<string, string?> { ["Edge:UpstreamResponseTimeout"] = "00:00:00.500" }, cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, origin.Address);
        var url = (await agent.WaitForTunnelAsync()).Urls[0];
        using var visitor = edge.CreateVisitor();
        using var response = await visitor.GetAsync(url + "/slow", Ct);
        AssertEdgeError(response, HttpStatusCode.GatewayTimeout, ErrorCodes.UpstreamTimeout);
    }

    [Fact]
    public async Task TwoAgentsSameName_SecondGetsNameInUse()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var first = AgentHarness.Start(edge.ServerUrl, origin.Address, name: "shared");
        Assert.Equal("shared", (await first.WaitForTunnelAsync()).Name);

        await using var second = AgentHarness.Start(edge.ServerUrl, origin.Address, name: "shared");
        var error = await Assert.ThrowsAsync<AgentException>(() => second.Run);
        Assert.Equal(AgentFailure.TunnelRefused, error.Failure);
        Assert.Equal(ErrorCodes.NameInUse, error.Code);
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidName_IsRefusedWithReason()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, "127.0.0.1:9", name: "Bad_Name!");
        var error = await Assert.ThrowsAsync<AgentException>(() => agent.Run);
        Assert.Equal(ErrorCodes.InvalidName, error.Code);
    }

    [Fact]
    public async Task WrongToken_FailsAuthentication()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, "127.0.0.1:9", token: "wrong");
        var error = await Assert.ThrowsAsync<AgentException>(() => agent.Run);
        Assert.True(error.Failure == AgentFailure.AuthenticationFailed, error.ToString());
        Assert.Equal(ErrorCodes.AuthenticationFailed, error.Code);
    }

    [Fact]
    public async Task ServerUnreachable_FirstConnectionFailsFast()
    {
        await using var agent = AgentHarness.Start(new Uri($"http://127.0.0.1:{FreePort()}"), "127.0.0.1:9");
        var error = await Assert.ThrowsAsync<AgentException>(() => agent.Run);
        Assert.Equal(AgentFailure.ServerUnreachable, error.Failure);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkCut_AgentReconnectsWithSameUrl()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, edge.Port));
        await using var agent = AgentHarness.Start(new Uri($"http://127.0.0.1:{relay.Port}"), origin.Address);
        var before = await agent.WaitForTunnelAsync();

        relay.CutConnections();
        await agent.WaitForAsync<ConnectionLostEvent>();
        var after = await agent.WaitForTunnelAsync();
        Assert.Equal(before.Name, after.Name);
        Assert.Equal(before.Urls, after.Urls);

        using var visitor = edge.CreateVisitor();
        var url = after.Urls[0].Replace($":{relay.Port}", $":{edge.Port}", StringComparison.Ordinal);
        Assert.Equal("hello from origin", await visitor.GetStringAsync(url + "/hello", Ct));
    }

    [Fact]
    public async Task LeasedName_OtherAgentCannotTakeItDuringGrace()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, edge.Port));
        await using var sleeper = AgentHarness.Start(new Uri($"http://127.0.0.1:{relay.Port}"), origin.Address, name: "laptop");
        await sleeper.WaitForTunnelAsync();

        // The laptop drops off the network (its agent keeps trying but cannot get through).
        relay.Block();
        relay.CutConnections();
        await sleeper.WaitForAsync<ConnectionLostEvent>();
        await WaitUntilAsync(() => edge.Tunnels.Count == 0);

        await using var other = AgentHarness.Start(edge.ServerUrl, origin.Address, name: "laptop");
        var error = await Assert.ThrowsAsync<AgentException>(() => other.Run);
        Assert.Equal(ErrorCodes.NameLeased, error.Code);

        // The laptop comes back and gets its name.
        relay.Unblock();
        var back = await sleeper.WaitForTunnelAsync();
        Assert.Equal("laptop", back.Name);
    }

    [Fact]
    public async Task CleanStop_ReleasesNameAtOnce()
    {
        await using var edge = await EdgeTestHost.StartAsync(cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        var first = AgentHarness.Start(edge.ServerUrl, origin.Address, name: "handover");
        await first.WaitForTunnelAsync();
        await first.DisposeAsync();
        await WaitUntilAsync(() => edge.Sessions.Count == 0);

        await using var second = AgentHarness.Start(edge.ServerUrl, origin.Address, name: "handover");
        Assert.Equal("handover", (await second.WaitForTunnelAsync()).Name);
    }

    [Fact]
    public async Task EdgeRestart_AgentComesBackWithSameUrl()
    {
        var leaseFile = Path.Combine(Path.GetTempPath(), $"fdt-leases-{Guid.NewGuid():N}.json");
        var settings = new Dictionary<string, string?> { ["Edge:LeaseFile"] = leaseFile };
        try
        {
            var edge = await EdgeTestHost.StartAsync(settings, cancellationToken: Ct);
            var port = edge.Port;
            await using var origin = await OriginServer.StartAsync(Ct);
            await using var agent = AgentHarness.Start(edge.ServerUrl, origin.Address, configure: o => o with { ReconnectMaxDelay = TimeSpan.FromMilliseconds(200) });
            var before = await agent.WaitForTunnelAsync();

            await edge.StopAsync();
            await agent.WaitForAsync<DrainingEvent>();
            Assert.True(File.Exists(leaseFile));

            // Someone else asking for the name while the edge is back but the agent is not yet.
            await using var restarted = await EdgeTestHost.StartAsync(settings, port, Ct);
            var after = await agent.WaitForTunnelAsync();
            Assert.Equal(before.Name, after.Name);
            Assert.Equal(before.Urls, after.Urls);

            using var visitor = restarted.CreateVisitor();
            Assert.Equal("hello from origin", await visitor.GetStringAsync(after.Urls[0] + "/hello", Ct));
        }
        finally
        {
            File.Delete(leaseFile);
        }
    }

    [Fact]
    public async Task EdgeRestart_LeaseSurvives_NameRefusedToOthers()
    {
        var leaseFile = Path.Combine(Path.GetTempPath(), $"fdt-leases-{Guid.NewGuid():N}.json");
        var settings = new Dictionary<string, string?> { ["Edge:LeaseFile"] = leaseFile };
        try
        {
            var edge = await EdgeTestHost.StartAsync(settings, cancellationToken: Ct);
            await using var origin = await OriginServer.StartAsync(Ct);
            var agent = AgentHarness.Start(edge.ServerUrl, origin.Address, name: "persisted", configure: o => o with { ReconnectInitialDelay = TimeSpan.FromHours(1), ReconnectMaxDelay = TimeSpan.FromHours(1) });
            await agent.WaitForTunnelAsync();
            await edge.StopAsync();
            await agent.WaitForAsync<ReconnectingEvent>();

            await using var restarted = await EdgeTestHost.StartAsync(settings, cancellationToken: Ct);
            await using var other = AgentHarness.Start(restarted.ServerUrl, origin.Address, name: "persisted");
            var error = await Assert.ThrowsAsync<AgentException>(() => other.Run);
            Assert.Equal(ErrorCodes.NameLeased, error.Code);
            await agent.DisposeAsync();
        }
        finally
        {
            File.Delete(leaseFile);
        }
    }

    private static void AssertEdgeError(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, response.Headers.GetValues("Fdt-Error-Code").Single());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => Eventually.TrueAsync(condition, cancellationToken: Ct);
}
