using System.Net;
using Fdt.Agent.Inspection.Web;
using Microsoft.AspNetCore.Http;

namespace Fdt.Agent.Tests.Inspection.Web;

public sealed class InspectorHostPolicyTests
{
    private readonly InspectorHostPolicy _loopback = new(IPAddress.Loopback, hostName: null, 4040);

    [Theory]
    [InlineData("127.0.0.1:4040", true)]
    [InlineData("localhost:4040", true)]
    [InlineData("LOCALHOST:4040", true)]
    [InlineData("[::1]:4040", true)]
    [InlineData("127.0.0.2:4040", true)]
    [InlineData("127.0.0.1:4041", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("attacker.example:4040", false)]
    [InlineData("localhost.attacker.example:4040", false)]
    [InlineData("192.168.1.20:4040", false)]
    [InlineData("", false)]
    public void IsAllowedHost_LoopbackBinding(string host, bool allowed)
        => Assert.Equal(allowed, _loopback.IsAllowedHost(new HostString(host)));

    [Fact]
    public void IsAllowedHost_AllAddressesOrNamedHost_AllowsAnyAddressAndThatName()
    {
        var all = new InspectorHostPolicy(IPAddress.Any, hostName: null, 4040);
        var named = new InspectorHostPolicy(IPAddress.Parse("192.168.1.20"), hostName: "devbox.lan", 4040);

        Assert.True(all.IsAllowedHost(new HostString("192.168.1.20:4040")));
        Assert.False(all.IsAllowedHost(new HostString("devbox.lan:4040")));
        Assert.True(named.IsAllowedHost(new HostString("devbox.lan:4040")));
        Assert.True(named.IsAllowedHost(new HostString("192.168.1.20:4040")));
        Assert.False(named.IsAllowedHost(new HostString("192.168.1.21:4040")));
    }

    [Theory]
    [InlineData("http://127.0.0.1:4040", true)]
    [InlineData("http://localhost:4040", true)]
    [InlineData("https://127.0.0.1:4040", false)]
    [InlineData("http://127.0.0.1:3000", false)]
    [InlineData("http://attacker.example:4040", false)]
    [InlineData("null", false)]
    public void IsAllowedOrigin(string origin, bool allowed) => Assert.Equal(allowed, _loopback.IsAllowedOrigin(origin));
}
