using Fdt.Edge.Routing;

namespace Fdt.Edge.Tests.Routing;

public sealed class HostNameRouterTests
{
    private readonly HostNameRouter _router = new("Tunnels.Example.com");

    [Theory]
    [InlineData("abc.tunnels.example.com", "abc")]
    [InlineData("ABC.Tunnels.Example.COM:8080", "ABC")]
    [InlineData("abc.tunnels.example.com.", "abc")]
    public void TryGetName_TunnelHost_ReturnsLabel(string host, string name)
    {
        Assert.True(_router.TryGetName(host, out var label));
        Assert.Equal(name, label.ToString());
    }

    [Theory]
    [InlineData("tunnels.example.com")]
    [InlineData("tunnels.example.com:8080")]
    [InlineData("a.b.tunnels.example.com")]
    [InlineData("abc.other.com")]
    [InlineData("xtunnels.example.com")]
    [InlineData("[::1]:8080")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("")]
    public void TryGetName_OtherHosts_AreNotTunnels(string host)
    {
        Assert.False(_router.TryGetName(host, out _));
    }

    [Theory]
    [InlineData("tunnels.example.com", true)]
    [InlineData("TUNNELS.example.com:443", true)]
    [InlineData("abc.tunnels.example.com", false)]
    public void IsBaseDomain_MatchesOnlyTheBaseDomain(string host, bool expected)
    {
        Assert.Equal(expected, _router.IsBaseDomain(host));
    }
}
