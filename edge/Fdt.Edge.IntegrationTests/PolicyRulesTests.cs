using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fdt.Agent.Events;
using Fdt.Edge.Policy;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Fdt.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Edge.IntegrationTests;

/// <summary>
/// Rate limits, request limits, header rules, webhook verification, the circuit breaker and hot
/// policy updates, through a real edge, agent and origin: for each rule a request that passes and
/// one that is denied (and never reaches the agent).
/// </summary>
public sealed class PolicyRulesTests
{
    private const string WebhookSecret = "it's a secret to everybody";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RateLimit_PerVisitor_Answers429WithRetryAfter()
    {
        // 10 a minute: a burst of 10, then one more every 6 s (the refill is tested with a fake clock).
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { RateLimit = "10/m" });

        for (var i = 0; i < 10; i++)
        {
            using var ok = await tunnel.GetAsync("/hello");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await tunnel.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 6);
        Assert.Equal(ErrorCodes.RateLimited, limited.Headers.GetValues("Fdt-Error-Code").Single());
        Assert.Equal(10, tunnel.Binding.Requests);

        // The agent's request log shows the denial.
        var denied = await tunnel.Agent.WaitForAsync<RequestDeniedEvent>();
        Assert.Equal(("rate-limit", "visitor", 429, ErrorCodes.RateLimited, "/hello"), (denied.Rule, denied.Reason, denied.Status, denied.Code, denied.Path));
    }

    [Fact]
    public async Task RateLimit_CountsEachForwardedVisitorBehindATrustedProxy_TunnelLimitIsShared()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { RateLimit = "2/m", TunnelRateLimit = "5/m" }, ("Edge:TrustForwardedHeaders", "true"));

        var first = await StatusesAsync(tunnel, "203.0.113.1", 3);
        var second = await StatusesAsync(tunnel, "2001:db8::7", 3);
        var third = await StatusesAsync(tunnel, "198.51.100.1", 2);

        Assert.Equal([200, 200, 429], first);
        Assert.Equal([200, 200, 429], second);

        // Four requests used the tunnel's five: one more, then the tunnel-wide limit.
        Assert.Equal([200, 429], third);
    }

    [Fact]
    public async Task RateLimit_CannotBeDodgedWithForwardedForFromAnUntrustedVisitor()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { RateLimit = "2/m" });

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.AddRange(await StatusesAsync(tunnel, $"203.0.113.{i + 1}", 1));
        }

        Assert.Equal([200, 200, 429, 429], statuses);
    }

    [Fact]
    public async Task IpAllowList_ForIPv6_AppliesToForwardedAddressesBehindATrustedProxy()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { CidrAllow = ["2001:db8:1::/48"] }, ("Edge:TrustForwardedHeaders", "true"));

        Assert.Equal([200], await StatusesAsync(tunnel, "2001:db8:1::42", 1));
        Assert.Equal([403], await StatusesAsync(tunnel, "2001:db8:2::42", 1));
        Assert.Equal([403], await StatusesAsync(tunnel, "not-an-address", 1));
    }

    [Fact]
    public async Task RequestTimeout_Answers504_WhileFasterRequestsPass()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { RequestTimeoutSeconds = 0.5 });

        using var fast = await tunnel.GetAsync("/hello");
        using var slow = await tunnel.GetAsync("/slow");

        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Equal(ErrorCodes.RequestTimeout, slow.Headers.GetValues("Fdt-Error-Code").Single());
    }

    [Fact]
    public async Task MaxConcurrentRequests_Answers503_UntilASlotFrees()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { MaxConcurrentRequests = 1 });
        using var cancelSlow = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var slow = tunnel.Visitor.GetAsync(tunnel.Url + "/slow", cancelSlow.Token);
        await Eventually.TrueAsync(() => tunnel.Binding.Traffic.InFlight == 1, cancellationToken: Ct);

        using var busy = await tunnel.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(ErrorCodes.TooManyConcurrentRequests, busy.Headers.GetValues("Fdt-Error-Code").Single());
        Assert.NotNull(busy.Headers.RetryAfter);

        await cancelSlow.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
        await Eventually.TrueAsync(() => tunnel.Binding.Traffic.InFlight == 0, cancellationToken: Ct);
        using var free = await tunnel.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    [Fact]
    public async Task HeaderRules_SetAndRemoveRequestAndResponseHeaders_AndRewriteHost()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest
        {
            RequestHeadersAdd = ["X-Team: platform"],
            RequestHeadersRemove = ["X-Secret"],
            ResponseHeadersAdd = ["X-Frame-Options: DENY"],
            ResponseHeadersRemove = ["Content-Type"],
            HostHeader = "rewrite",
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, tunnel.Url + "/headers");
        request.Headers.Add("X-Team", "spoofed");
        request.Headers.Add("X-Secret", "do-not-forward");

        using var response = await tunnel.Visitor.SendAsync(request, Ct);
        var seen = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal("platform", seen["x-team"]);
        Assert.False(seen.ContainsKey("x-secret"));
        Assert.Equal(tunnel.Origin.Address, seen["host"]);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Null(response.Content.Headers.ContentType);
    }

    [Fact]
    public async Task GitHubWebhook_GenuineIsForwarded_TamperedAndUnsignedAreRefusedAtTheEdge()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { VerifyWebhook = new() { Provider = "github", Secret = WebhookSecret } });
        var body = "{\"action\":\"opened\",\"number\":1}"u8.ToArray();

        using var genuine = await tunnel.PostAsync("/sha256", body, ("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), body))));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(body)), await genuine.Content.ReadAsStringAsync(Ct));

        var tampered = "{\"action\":\"closed\",\"number\":1}"u8.ToArray();
        using var forged = await tunnel.PostAsync("/sha256", tampered, ("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), body))));
        using var unsigned = await tunnel.PostAsync("/sha256", body);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(ErrorCodes.WebhookVerificationFailed, forged.Headers.GetValues("Fdt-Error-Code").Single());
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(1, tunnel.Binding.Requests);
    }

    [Fact]
    public async Task StripeWebhook_ReplayedWithAnOldTimestampIsRefused()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { VerifyWebhook = new() { Provider = "stripe", Secret = "whsec_" + WebhookSecret } });
        var body = "{\"id\":\"evt_1\",\"type\":\"invoice.paid\"}"u8.ToArray();

        using var fresh = await tunnel.PostAsync("/echo", body, ("Stripe-Signature", StripeSignature(body, DateTimeOffset.UtcNow)));
        using var replayed = await tunnel.PostAsync("/echo", body, ("Stripe-Signature", StripeSignature(body, DateTimeOffset.UtcNow.AddMinutes(-10))));
        using var tampered = await tunnel.PostAsync("/echo", "{\"id\":\"evt_2\"}"u8.ToArray(), ("Stripe-Signature", StripeSignature(body, DateTimeOffset.UtcNow)));

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(body, await fresh.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Equal(1, tunnel.Binding.Requests);
    }

    [Fact]
    public async Task SlackWebhook_IsCheckedWithItsTimestamp_AndOversizedBodiesAreRefused()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { VerifyWebhook = new() { Provider = "slack", Secret = WebhookSecret } }, ("Edge:WebhookMaxBodyBytes", "1024"));
        var body = "token=x&team_id=T1&command=%2Fdeploy"u8.ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes($"v0:{now}:").Concat(body).ToArray()));

        using var genuine = await tunnel.PostAsync("/echo", body, ("X-Slack-Request-Timestamp", now), ("X-Slack-Signature", signature));
        using var large = await tunnel.PostAsync("/echo", new byte[2048], ("X-Slack-Request-Timestamp", now), ("X-Slack-Signature", signature));

        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal(body, await genuine.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
    }

    [Fact]
    public async Task CircuitBreaker_OpensAfterConsecutiveFailures_AndAnswers503WithRetryAfter()
    {
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { CircuitBreakerFailures = 2, CircuitBreakerSeconds = 60 });

        using var ok = await tunnel.GetAsync("/hello");
        using var failed1 = await tunnel.GetAsync("/status/500");
        using var failed2 = await tunnel.GetAsync("/status/503");
        using var open = await tunnel.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, failed1.StatusCode);
        Assert.False(failed1.Headers.Contains("Fdt-Error-Code"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed2.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, open.StatusCode);
        Assert.Equal(ErrorCodes.CircuitOpen, open.Headers.GetValues("Fdt-Error-Code").Single());
        Assert.InRange(open.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 59, 60);
        Assert.Equal(3, tunnel.Binding.Requests);
    }

    [Fact]
    public async Task PolicyChange_AppliesToALiveTunnelWithoutReconnecting()
    {
        var source = new TestPolicySource();
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { ResponseHeadersAdd = ["X-From-Agent: yes"] }, source);
        var session = tunnel.Binding.Session;
        using (var before = await tunnel.GetAsync("/hello"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        source.Set(new TunnelPolicyRequest { CidrDeny = ["127.0.0.0/8"] });

        // Applied synchronously when the source reports the change: the very next request sees it.
        using (var denied = await tunnel.GetAsync("/hello"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        source.Set(new TunnelPolicyRequest { ResponseHeadersAdd = ["X-From-Team: yes"] });
        using (var after = await tunnel.GetAsync("/hello"))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.True(after.Headers.Contains("X-From-Team"));
            Assert.True(after.Headers.Contains("X-From-Agent"));
        }

        Assert.Same(session, tunnel.Binding.Session);
        Assert.Equal(1, tunnel.Edge.Sessions.Count);
    }

    [Fact]
    public async Task Denials_AreCountedByRuleAndReason()
    {
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PolicyDenials.MeterName && instrument.Name == PolicyDenials.CounterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? rule = null, reason = null;
            foreach (var tag in tags)
            {
                (rule, reason) = tag.Key == "rule" ? ((string?)tag.Value, reason) : tag.Key == "reason" ? (rule, (string?)tag.Value) : (rule, reason);
            }

            counted.AddOrUpdate($"{rule}/{reason}", value, (_, total) => total + value);
        });
        listener.Start();
        await using var tunnel = await TunnelAsync(new TunnelPolicyRequest { BasicAuth = ["ada:s3cret"] });

        using var missing = await tunnel.GetAsync("/hello");
        using var wrong1 = await tunnel.GetAsync("/hello", ("Authorization", "Basic " + Convert.ToBase64String("ada:nope"u8)));
        using var wrong2 = await tunnel.GetAsync("/hello", ("Authorization", "Basic " + Convert.ToBase64String("ada:nope2"u8)));

        Assert.True(counted.GetValueOrDefault("basic-auth/missing") >= 1);
        Assert.True(counted.GetValueOrDefault("basic-auth/invalid") >= 2);
        Assert.Equal(3, tunnel.Binding.Denials);
    }

    private static string StripeSignature(byte[] body, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_" + WebhookSecret), Encoding.UTF8.GetBytes(t + ".").Concat(body).ToArray()))}";
    }

    private static async Task<List<int>> StatusesAsync(TestTunnel tunnel, string forwardedFor, int count)
    {
        var statuses = new List<int>();
        for (var i = 0; i < count; i++)
        {
            using var response = await tunnel.GetAsync("/hello", ("X-Forwarded-For", forwardedFor));
            statuses.Add((int)response.StatusCode);
        }

        return statuses;
    }

    private static Task<TestTunnel> TunnelAsync(TunnelPolicyRequest policy, params (string Key, string Value)[] settings) => TestTunnel.StartAsync(policy, null, settings);

    private static Task<TestTunnel> TunnelAsync(TunnelPolicyRequest policy, TestPolicySource source) => TestTunnel.StartAsync(policy, s => s.AddSingleton<ITunnelPolicySource>(source));

    /// <summary>A control plane stand-in: one team layer, changed by the test.</summary>
    private sealed class TestPolicySource : ITunnelPolicySource
    {
        private TunnelPolicyRequest? _team;

        public event EventHandler? Changed;

        public IReadOnlyList<PolicyLayer> GetLayers(string ownerId, string name) => _team is null ? [] : [new PolicyLayer(PolicyLayer.Team, _team)];

        public void Set(TunnelPolicyRequest team)
        {
            _team = team;
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }
}
