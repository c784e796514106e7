using System.Net;
using System.Text;
using Fdt.Edge.Policy;
using Fdt.Protocol.Control;

namespace Fdt.Edge.Tests.Policy;

public sealed class PolicyCompositionTests
{
    [Fact]
    public void Layers_EveryAllowListMustAdmit_DenyListsAdd()
    {
        var policy = Compose(
            new PolicyLayer(PolicyLayer.Team, new TunnelPolicyRequest { CidrAllow = ["10.0.0.0/8"], CidrDeny = ["10.9.0.0/16"] }),
            new PolicyLayer(PolicyLayer.Agent, new TunnelPolicyRequest { CidrAllow = ["10.1.0.0/16", "10.9.0.0/16"] }));

        Assert.Null(policy.CheckAddress(IPAddress.Parse("10.1.2.3")));
        Assert.Equal("not-allowed", policy.CheckAddress(IPAddress.Parse("10.2.0.1")));
        Assert.Equal("deny-list", policy.CheckAddress(IPAddress.Parse("10.9.0.1")));
        Assert.Equal("not-allowed", policy.CheckAddress(IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void Layers_CredentialsOfAnyLayerAreAccepted_LimitsTakeTheSmallest()
    {
        var policy = Compose(
            new PolicyLayer(PolicyLayer.Team, new TunnelPolicyRequest { BasicAuth = ["ops:team-pw"], MaxRequestBodyBytes = 1000, RequestTimeoutSeconds = 30, MaxConcurrentRequests = 5 }),
            new PolicyLayer(PolicyLayer.Agent, new TunnelPolicyRequest { BasicAuth = ["ada:s3cret"], MaxRequestBodyBytes = 5000, RequestTimeoutSeconds = 2, MaxConcurrentRequests = 50 }));

        Assert.True(policy.Authenticates(Basic("ops", "team-pw")));
        Assert.True(policy.Authenticates(Basic("ada", "s3cret")));
        Assert.False(policy.Authenticates(Basic("ada", "team-pw")));
        Assert.Equal(1000, policy.MaxRequestBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.RequestTimeout);
        Assert.Equal(5, policy.MaxConcurrentRequests);
    }

    [Fact]
    public void Layers_HeaderRulesApplyInOrder_LaterHostRuleWins_RateLimitsAllApply()
    {
        var policy = Compose(
            new PolicyLayer(PolicyLayer.Team, new TunnelPolicyRequest { RequestHeadersAdd = ["X-Team: 1"], HostHeader = "team.internal", RateLimit = "100/m" }),
            new PolicyLayer(PolicyLayer.Name, new TunnelPolicyRequest { ResponseHeadersRemove = ["Server"], HostHeader = "rewrite", TunnelRateLimit = "10/s" }),
            new PolicyLayer(PolicyLayer.Agent, new TunnelPolicyRequest { RequestHeadersAdd = ["X-Agent: 2"], RequestHeadersRemove = ["Cookie"] }));

        Assert.Equal(["X-Team", "X-Agent"], policy.RequestHeadersAdd.Select(h => h.Key));
        Assert.Equal(["Cookie"], policy.RequestHeadersRemove);
        Assert.Equal(["Server"], policy.ResponseHeadersRemove);
        Assert.Equal("rewrite", policy.HostHeader);
        Assert.Equal(["team/visitor/100/m", "name/tunnel/10/s"], policy.RateLimits.Select(r => r.Key));
    }

    [Fact]
    public void HttpRules_FromTheAgentFailATcpBind_FromTheTeamAreSkipped()
    {
        var httpOnly = new TunnelPolicyRequest { BasicAuth = ["a:b"], CidrDeny = ["192.0.2.0/24"] };

        Assert.False(TunnelPolicy.TryCompose([new PolicyLayer(PolicyLayer.Agent, httpOnly)], TunnelProtocol.Tcp, out _, out var error));
        Assert.Contains("http tunnels only", error, StringComparison.Ordinal);
        Assert.True(TunnelPolicy.TryCompose([new PolicyLayer(PolicyLayer.Team, httpOnly)], TunnelProtocol.Tcp, out var tcp, out _));
        Assert.False(tcp.RequiresAuthentication);
        Assert.Equal("deny-list", tcp.CheckAddress(IPAddress.Parse("192.0.2.9")));
    }

    [Fact]
    public void StoredCredentialHashes_AreAcceptedAsIs()
    {
        var stored = PolicyRules.HashCredentialPair("ada:s3cret");

        Assert.DoesNotContain("s3cret", stored, StringComparison.Ordinal);
        Assert.StartsWith("ada:" + PolicyRules.HashedPasswordPrefix, stored, StringComparison.Ordinal);
        Assert.Equal(stored, PolicyRules.HashCredentialPair(stored));
        var policy = Compose(new PolicyLayer(PolicyLayer.Team, new TunnelPolicyRequest { BasicAuth = [stored] }));
        Assert.True(policy.Authenticates(Basic("ada", "s3cret")));
        Assert.False(policy.Authenticates(Basic("ada", "wrong")));
    }

    [Fact]
    public void EmptyLayers_MakeAnEmptyPolicy()
    {
        Assert.True(Compose().IsEmpty);
        Assert.True(Compose(new PolicyLayer(PolicyLayer.Team, new TunnelPolicyRequest())).IsEmpty);
        Assert.False(Compose(new PolicyLayer(PolicyLayer.Team, new TunnelPolicyRequest { ResponseHeadersAdd = ["X-A: b"] })).IsEmpty);
    }

    [Theory]
    [InlineData("100/x", "not a rate limit")]
    [InlineData("0/m", "not a rate limit")]
    [InlineData("X Bad: v", "not a header")]
    [InlineData("Host: evil", "managed by the edge")]
    public void MalformedRules_AreNamed(string rule, string message)
    {
        var request = rule.Contains(':', StringComparison.Ordinal)
            ? new TunnelPolicyRequest { RequestHeadersAdd = [rule] }
            : new TunnelPolicyRequest { RateLimit = rule };

        Assert.False(TunnelPolicy.TryCreate(request, TunnelProtocol.Http, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ChecksWebhookAndBreakerSettings()
    {
        Assert.Contains("Unknown webhook provider", new TunnelPolicyRequest { VerifyWebhook = new() { Provider = "paypal", Secret = "s" } }.Validate(), StringComparison.Ordinal);
        Assert.Contains("signing secret", new TunnelPolicyRequest { VerifyWebhook = new() { Provider = "github" } }.Validate(), StringComparison.Ordinal);
        Assert.Contains("circuit breaker", new TunnelPolicyRequest { CircuitBreakerFailures = 0 }.Validate(), StringComparison.Ordinal);
        Assert.Null(new TunnelPolicyRequest { VerifyWebhook = new() { Provider = "stripe", Secret = "whsec_x" }, CircuitBreakerFailures = 3, CircuitBreakerSeconds = 5 }.Validate());
    }

    [Fact]
    public void Json_RoundTripsThePolicy()
    {
        var policy = new TunnelPolicyRequest { RateLimit = "5/s", RequestHeadersAdd = ["X-A: 1"], VerifyWebhook = new() { Provider = "slack", Secret = "s", ToleranceSeconds = 60 } };

        var json = policy.ToJson();

        Assert.Contains("\"rateLimit\":\"5/s\"", json, StringComparison.Ordinal);
        var back = TunnelPolicyRequest.FromJson(json);
        Assert.Equal(policy.RateLimit, back.RateLimit);
        Assert.Equal(policy.RequestHeadersAdd, back.RequestHeadersAdd);
        Assert.Equal(policy.VerifyWebhook, back.VerifyWebhook);
    }

    private static TunnelPolicy Compose(params PolicyLayer[] layers)
    {
        Assert.True(TunnelPolicy.TryCompose(layers, TunnelProtocol.Http, out var policy, out var error), error);
        return policy;
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
}
