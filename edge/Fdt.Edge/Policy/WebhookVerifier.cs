using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fdt.Protocol.Control;
using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Policy;

/// <summary>
/// Checks a webhook request's signature the way its provider documents it, on the raw body bytes:
/// <list type="bullet">
/// <item>github: <c>X-Hub-Signature-256: sha256=HEX</c>, HMAC-SHA-256 of the body with the secret;</item>
/// <item>stripe: <c>Stripe-Signature: t=UNIX,v1=HEX[,v1=HEX…]</c>, HMAC-SHA-256 of <c>"{t}.{body}"</c>;
/// the timestamp must be within the tolerance (default 300 s);</item>
/// <item>slack: <c>X-Slack-Signature: v0=HEX</c> over <c>"v0:{X-Slack-Request-Timestamp}:{body}"</c>, same tolerance.</item>
/// </list>
/// Signatures are compared in constant time.
/// </summary>
public sealed class WebhookVerifier
{
    private readonly byte[] _key;
    private readonly TimeSpan _tolerance;

    private WebhookVerifier(string provider, byte[] key, TimeSpan tolerance)
    {
        Provider = provider;
        _key = key;
        _tolerance = tolerance;
    }

    /// <summary>"github", "stripe" or "slack".</summary>
    public string Provider { get; }

    /// <summary>Builds a verifier from a validated request.</summary>
    public static WebhookVerifier Create(WebhookVerificationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new WebhookVerifier(request.Provider!, Encoding.UTF8.GetBytes(request.Secret!), TimeSpan.FromSeconds(request.ToleranceSeconds ?? 300));
    }

    /// <summary>Null when the signature is valid; otherwise the reason: "missing-signature", "bad-signature" or "stale-timestamp".</summary>
    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Provider switch
        {
            "github" => VerifyGitHub(headers, body),
            "stripe" => VerifyStripe(headers, body, now),
            "slack" => VerifySlack(headers, body, now),
            _ => "bad-signature",
        };
    }

    private string? VerifyGitHub(IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        var header = headers["X-Hub-Signature-256"].ToString();
        if (!header.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return "missing-signature";
        }

        return Matches(header.AsSpan(7), HMACSHA256.HashData(_key, body)) ? null : "bad-signature";
    }

    private string? VerifyStripe(IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var header = headers["Stripe-Signature"].ToString();
        string? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var (key, value) = (part[..eq].Trim(), part[(eq + 1)..].Trim());
            if (key == "t")
            {
                timestamp = value;
            }
            else if (key == "v1")
            {
                signatures.Add(value);
            }
        }

        if (timestamp is null || signatures.Count == 0)
        {
            return "missing-signature";
        }

        var expected = Sign(Encoding.UTF8.GetBytes(timestamp + "."), body);
        var matched = false;
        foreach (var signature in signatures)
        {
            matched |= Matches(signature, expected);
        }

        if (!matched)
        {
            return "bad-signature";
        }

        return Fresh(timestamp, now) ? null : "stale-timestamp";
    }

    private string? VerifySlack(IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var signature = headers["X-Slack-Signature"].ToString();
        var timestamp = headers["X-Slack-Request-Timestamp"].ToString();
        if (!signature.StartsWith("v0=", StringComparison.Ordinal) || timestamp.Length == 0)
        {
            return "missing-signature";
        }

        if (!Matches(signature.AsSpan(3), Sign(Encoding.UTF8.GetBytes("v0:" + timestamp + ":"), body)))
        {
            return "bad-signature";
        }

        return Fresh(timestamp, now) ? null : "stale-timestamp";
    }

    private byte[] Sign(byte[] prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private bool Fresh(string timestamp, DateTimeOffset now)
        => long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds < 253_402_300_799
            && (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() <= _tolerance;

    private static bool Matches(ReadOnlySpan<char> hex, byte[] expected)
    {
        if (hex.Length != expected.Length * 2)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        return Convert.FromHexString(hex, given[..expected.Length], out _, out var written) == System.Buffers.OperationStatus.Done
            && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(given[..written], expected);
    }
}
