using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fdt.Edge.Policy;
using Fdt.Protocol.Control;
using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Tests.Policy;

/// <summary>Signatures computed the way each provider documents them.</summary>
public sealed class WebhookVerifierTests
{
    private const string Secret = "whsec_test_secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\"}");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);

    [Fact]
    public void GitHub_SignsTheBodyWithSha256()
    {
        var verifier = Create("github");
        var headers = new HeaderDictionary { ["X-Hub-Signature-256"] = "sha256=" + Hex(HMACSHA256.HashData(Key, Body)) };

        Assert.Null(verifier.Verify(headers, Body, Now));
        Assert.Equal("bad-signature", verifier.Verify(headers, Tampered, Now));
        Assert.Equal("missing-signature", verifier.Verify(new HeaderDictionary(), Body, Now));
        Assert.Equal("missing-signature", verifier.Verify(new HeaderDictionary { ["X-Hub-Signature"] = "sha1=00" }, Body, Now));
        Assert.Equal("bad-signature", verifier.Verify(new HeaderDictionary { ["X-Hub-Signature-256"] = "sha256=zz" }, Body, Now));
    }

    [Fact]
    public void Stripe_SignsTimestampDotBody_AndBoundsTheTimestamp()
    {
        var verifier = Create("stripe");

        Assert.Null(verifier.Verify(StripeHeaders(Now), Body, Now));
        Assert.Equal("bad-signature", verifier.Verify(StripeHeaders(Now), Tampered, Now));

        // A replay: a genuine signature, five minutes and one second old.
        Assert.Equal("stale-timestamp", verifier.Verify(StripeHeaders(Now.AddSeconds(-301)), Body, Now));
        Assert.Null(verifier.Verify(StripeHeaders(Now.AddSeconds(-299)), Body, Now));

        // Several v1 signatures (a secret being rolled): any one may match.
        var signed = StripeHeaders(Now)["Stripe-Signature"].ToString();
        var rolled = new HeaderDictionary { ["Stripe-Signature"] = signed.Replace(",v1=", ",v1=" + new string('0', 64) + ",v1=", StringComparison.Ordinal) + ",v0=ignored" };
        Assert.Null(verifier.Verify(rolled, Body, Now));

        Assert.Equal("missing-signature", verifier.Verify(new HeaderDictionary { ["Stripe-Signature"] = "t=123" }, Body, Now));
    }

    [Fact]
    public void Slack_SignsV0TimestampBody_AndBoundsTheTimestamp()
    {
        var verifier = Create("slack");

        Assert.Null(verifier.Verify(SlackHeaders(Now), Body, Now));
        Assert.Equal("bad-signature", verifier.Verify(SlackHeaders(Now), Tampered, Now));
        Assert.Equal("stale-timestamp", verifier.Verify(SlackHeaders(Now.AddMinutes(-6)), Body, Now));
        Assert.Equal("stale-timestamp", verifier.Verify(SlackHeaders(Now.AddMinutes(6)), Body, Now));

        // Moving a genuine signature to a fresh timestamp breaks it.
        var moved = SlackHeaders(Now.AddMinutes(-10));
        moved["X-Slack-Request-Timestamp"] = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal("bad-signature", verifier.Verify(moved, Body, Now));
    }

    [Fact]
    public void Tolerance_IsConfigurable()
    {
        var verifier = WebhookVerifier.Create(new WebhookVerificationRequest { Provider = "stripe", Secret = Secret, ToleranceSeconds = 30 });

        Assert.Equal("stale-timestamp", verifier.Verify(StripeHeaders(Now.AddSeconds(-31)), Body, Now));
    }

    private static byte[] Key => Encoding.UTF8.GetBytes(Secret);

    private static byte[] Tampered => Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\",\"amount\":1}");

    private static WebhookVerifier Create(string provider) => WebhookVerifier.Create(new WebhookVerificationRequest { Provider = provider, Secret = Secret });

    private static HeaderDictionary StripeHeaders(DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Hex(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(t + ".").Concat(Body).ToArray()));
        return new HeaderDictionary { ["Stripe-Signature"] = $"t={t},v1={signature}" };
    }

    private static HeaderDictionary SlackHeaders(DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Hex(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("v0:" + t + ":").Concat(Body).ToArray()));
        return new HeaderDictionary { ["X-Slack-Request-Timestamp"] = t, ["X-Slack-Signature"] = "v0=" + signature };
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
