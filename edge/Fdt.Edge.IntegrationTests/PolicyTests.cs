using System.Net;
using System.Net.Sockets;
using System.Text;
using Fdt.Agent;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Fdt.Testing;

namespace Fdt.Edge.IntegrationTests;

/// <summary>Traffic policy enforced at the edge, through a real edge, agent and origin.</summary>
public sealed class PolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BasicAuth_ChallengesRefusesWrongCredentialsAndAdmitsEachUser()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { BasicAuth = ["ada:s3cret", "bob:hunter2:with:colons"] });

        using var anonymous = await tunnel.GetAsync("/hello");
        using var wrong = await tunnel.GetAsync("/hello", Basic("ada:nope"));
        using var ada = await tunnel.GetAsync("/hello", Basic("ada:s3cret"));
        using var bob = await tunnel.GetAsync("/hello", Basic("bob:hunter2:with:colons"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains(ErrorCodes.AuthenticationRequired, await anonymous.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("hello from origin", await ada.Content.ReadAsStringAsync(Ct));
        Assert.Equal("hello from origin", await bob.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData(new[] { "127.0.0.0/8" }, null, HttpStatusCode.OK)]
    [InlineData(new[] { "10.0.0.0/8", "2001:db8::/32" }, null, HttpStatusCode.Forbidden)]
    [InlineData(new[] { "0.0.0.0/0" }, new[] { "127.0.0.1" }, HttpStatusCode.Forbidden)]
    [InlineData(null, new[] { "10.0.0.0/8" }, HttpStatusCode.OK)]
    public async Task IpRules_AdmitOrDenyTheVisitor(string[]? allow, string[]? deny, HttpStatusCode status)
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { CidrAllow = allow, CidrDeny = deny });

        using var response = await tunnel.GetAsync("/hello");

        Assert.Equal(status, response.StatusCode);
        if (status == HttpStatusCode.Forbidden)
        {
            Assert.Contains(ErrorCodes.AddressDenied, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false, HttpStatusCode.Forbidden)]
    [InlineData(true, HttpStatusCode.OK)]
    public async Task ForwardedFor_IsBelievedOnlyBehindATrustedProxy(bool trusted, HttpStatusCode status)
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { CidrAllow = ["10.0.0.0/8"] }, ("Edge:TrustForwardedHeaders", trusted ? "true" : "false"));
        using var request = new HttpRequestMessage(HttpMethod.Get, tunnel.Url + "/hello");
        request.Headers.Add("X-Forwarded-For", "10.1.2.3, 127.0.0.1");

        using var response = await tunnel.Visitor.SendAsync(request, Ct);

        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task BodyLimit_RefusesLargerBodiesWithOrWithoutContentLength()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { MaxRequestBodyBytes = 1000 });

        using var small = await tunnel.Visitor.PostAsync(tunnel.Url + "/echo", new ByteArrayContent(new byte[1000]), Ct);
        using var declared = await tunnel.Visitor.PostAsync(tunnel.Url + "/echo", new ByteArrayContent(new byte[1001]), Ct);
        using var streamed = await tunnel.Visitor.PostAsync(tunnel.Url + "/echo", new StreamContent(new MemoryStream(new byte[5000])), Ct);

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(1000, (await small.Content.ReadAsByteArrayAsync(Ct)).Length);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Contains(ErrorCodes.BodyTooLarge, await streamed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IpRules_RefuseTcpConnectionsAtOnce()
    {
        var port = FreePort();
        await using var edge = await EdgeTestHost.StartAsync(new Dictionary<string, string?> { ["Edge:TcpPorts"] = $"{port}-{port}" }, cancellationToken: Ct);
        await using var origin = await OriginServer.StartAsync(Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, origin.Address, configure: o => o with
        {
            Tunnels = [o.Tunnels[0] with { Protocol = TunnelProtocol.Tcp, Policy = new TunnelPolicyRequest { CidrDeny = ["127.0.0.0/8"] } }],
        });
        await agent.WaitForTunnelAsync();
        using var client = new TcpClient();

        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, Ct);
            var buffer = new byte[16];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            Assert.Equal(0, await client.GetStream().ReadAsync(buffer, timeout.Token));
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            // Reset: refused.
        }

        Assert.Equal(0, Assert.Single(edge.Tunnels.Bindings).Requests);
    }

    [Theory]
    [InlineData(TunnelProtocol.Http, "not-a-cidr", null)]
    [InlineData(TunnelProtocol.Http, null, "nocolon")]
    [InlineData(TunnelProtocol.Tcp, null, "ada:s3cret")]
    public async Task MalformedPolicy_RefusesTheBind(TunnelProtocol protocol, string? cidr, string? basicAuth)
    {
        var port = FreePort();
        await using var edge = await EdgeTestHost.StartAsync(new Dictionary<string, string?> { ["Edge:TcpPorts"] = $"{port}-{port}" }, cancellationToken: Ct);
        await using var agent = AgentHarness.Start(edge.ServerUrl, "127.0.0.1:9", configure: o => o with
        {
            Tunnels = [o.Tunnels[0] with { Protocol = protocol, Policy = new TunnelPolicyRequest { CidrAllow = cidr is null ? null : [cidr], BasicAuth = basicAuth is null ? null : [basicAuth] } }],
        });

        var refused = await Assert.ThrowsAsync<AgentException>(() => agent.Run);
        Assert.Equal(ErrorCodes.InvalidBindRequest, refused.Code);
    }

    private static (string, string) Basic(string credentials) => ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static Task<TestTunnel> TunnelAsync(TunnelPolicyRequest policy, params (string Key, string Value)[] settings) => TestTunnel.StartAsync(policy, null, settings);
}
