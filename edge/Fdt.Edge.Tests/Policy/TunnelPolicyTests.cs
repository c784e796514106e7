using System.Net;
using System.Text;
using Fdt.Edge.Policy;
using Fdt.Protocol.Control;

namespace Fdt.Edge.Tests.Policy;

public sealed class TunnelPolicyTests
{
    [Theory]
    [InlineData("2001:db8::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("203.0.113.7", true)]
    [InlineData("::ffff:203.0.113.7", true)]
    [InlineData("::ffff:198.51.100.1", false)]
    [InlineData("203.0.113.66", false)]
    public void IpRules_HandleIPv6AndMappedIPv4(string address, bool admitted)
    {
        var policy = Create(new TunnelPolicyRequest { CidrAllow = ["2001:db8::/32", "203.0.113.0/24"], CidrDeny = ["203.0.113.66"] });

        Assert.Equal(admitted, policy.Admits(IPAddress.Parse(address)));
    }

    [Fact]
    public void NoIpRules_AdmitEveryone_WithRules_UnknownAddressesAreDenied()
    {
        Assert.True(TunnelPolicy.None.Admits(null));
        Assert.False(Create(new TunnelPolicyRequest { CidrDeny = ["10.0.0.0/8"] }).Admits(null));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Bearer abc", false)]
    [InlineData("Basic !!!notbase64", false)]
    [InlineData("Basic " + "YWRhOnMzY3JldA==", true)]
    [InlineData("basic " + "YWRhOnMzY3JldA==", true)]
    public void BasicAuth_ReadsOnlyWellFormedBasicCredentials(string? header, bool accepted)
    {
        var policy = Create(new TunnelPolicyRequest { BasicAuth = ["ada:s3cret"] });

        Assert.Equal(accepted, policy.Authenticates(header));
        Assert.False(policy.Authenticates("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ada:s3cre"))));
    }

    [Fact]
    public void TooManyRules_AreRefused()
    {
        var rules = Enumerable.Range(0, TunnelPolicyRequest.MaxRules + 1).Select(i => $"10.0.{i}.0/24").ToArray();

        Assert.False(TunnelPolicy.TryCreate(new TunnelPolicyRequest { CidrAllow = rules }, TunnelProtocol.Http, out _, out var error));
        Assert.Contains("at most", error, StringComparison.Ordinal);
    }

    private static TunnelPolicy Create(TunnelPolicyRequest request)
    {
        Assert.True(TunnelPolicy.TryCreate(request, TunnelProtocol.Http, out var policy, out var error), error);
        return policy;
    }
}
