using System.Globalization;
using System.Net;

namespace Fdt.Protocol.Control;

/// <summary>
/// A traffic policy: what an agent asks for at bind time, and what a team sets as its default or
/// for one reserved name through the API (see docs/policy.md). The edge composes the layers and
/// enforces them before any byte reaches the agent.
/// </summary>
public sealed record TunnelPolicyRequest
{
    /// <summary>At most this many rules of each kind (addresses, credentials, header rules).</summary>
    public const int MaxRules = 64;

    /// <summary>http tunnels: credentials visitors must present, each "user:password".</summary>
    public IReadOnlyList<string>? BasicAuth { get; init; }

    /// <summary>Visitor addresses allowed (CIDR, IPv4 or IPv6); when set, all others are denied.</summary>
    public IReadOnlyList<string>? CidrAllow { get; init; }

    /// <summary>Visitor addresses denied (CIDR), checked before the allow list.</summary>
    public IReadOnlyList<string>? CidrDeny { get; init; }

    /// <summary>http tunnels: the largest request body accepted, in bytes.</summary>
    public long? MaxRequestBodyBytes { get; init; }

    /// <summary>http tunnels: requests per visitor address, e.g. "100/m" (per second, minute or hour).</summary>
    public string? RateLimit { get; init; }

    /// <summary>http tunnels: requests for the whole tunnel, e.g. "1000/m".</summary>
    public string? TunnelRateLimit { get; init; }

    /// <summary>http tunnels: the local service must send response headers within this many seconds (else 504).</summary>
    public double? RequestTimeoutSeconds { get; init; }

    /// <summary>http tunnels: requests in flight at once; more are answered 503.</summary>
    public int? MaxConcurrentRequests { get; init; }

    /// <summary>http tunnels: headers added to requests, each "Name: value".</summary>
    public IReadOnlyList<string>? RequestHeadersAdd { get; init; }

    /// <summary>http tunnels: request header names removed.</summary>
    public IReadOnlyList<string>? RequestHeadersRemove { get; init; }

    /// <summary>http tunnels: headers added to responses, each "Name: value".</summary>
    public IReadOnlyList<string>? ResponseHeadersAdd { get; init; }

    /// <summary>http tunnels: response header names removed.</summary>
    public IReadOnlyList<string>? ResponseHeadersRemove { get; init; }

    /// <summary>http tunnels: the Host header sent to the local service ("rewrite": the local address).</summary>
    public string? HostHeader { get; init; }

    /// <summary>http tunnels: check webhook signatures of a provider before forwarding.</summary>
    public WebhookVerificationRequest? VerifyWebhook { get; init; }

    /// <summary>http tunnels: after this many consecutive failures of the local service, answer 503 for a while.</summary>
    public int? CircuitBreakerFailures { get; init; }

    /// <summary>How long the circuit stays open, in seconds (default 10).</summary>
    public double? CircuitBreakerSeconds { get; init; }

    /// <summary>http tunnels: false keeps the exchanges out of the inspector (default: captured).</summary>
    public bool? Inspect { get; init; }

    /// <summary>Whether the policy holds any rule only http tunnels understand.</summary>
    public bool HasHttpRules =>
        (BasicAuth?.Count ?? 0) > 0 || MaxRequestBodyBytes is not null || RateLimit is not null || TunnelRateLimit is not null
        || RequestTimeoutSeconds is not null || MaxConcurrentRequests is not null || (RequestHeadersAdd?.Count ?? 0) > 0
        || (RequestHeadersRemove?.Count ?? 0) > 0 || (ResponseHeadersAdd?.Count ?? 0) > 0 || (ResponseHeadersRemove?.Count ?? 0) > 0
        || HostHeader is not null || VerifyWebhook is not null || CircuitBreakerFailures is not null;

    /// <summary>The policy as JSON, in the control protocol's shape (camelCase, nulls left out).</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, ControlJsonContext.Default.TunnelPolicyRequest);

    /// <summary>Reads a policy written by <see cref="ToJson"/>; throws <see cref="System.Text.Json.JsonException"/> when malformed.</summary>
    public static TunnelPolicyRequest FromJson(string json)
        => System.Text.Json.JsonSerializer.Deserialize(json, ControlJsonContext.Default.TunnelPolicyRequest) ?? throw new System.Text.Json.JsonException("The policy is null.");

    /// <summary>Checks every rule; returns a message naming the first malformed one, or null.</summary>
    public string? Validate()
    {
        foreach (var list in new[] { BasicAuth, CidrAllow, CidrDeny, RequestHeadersAdd, RequestHeadersRemove, ResponseHeadersAdd, ResponseHeadersRemove })
        {
            if ((list?.Count ?? 0) > MaxRules)
            {
                return $"A policy may hold at most {MaxRules} rules of each kind.";
            }
        }

        foreach (var rule in (CidrAllow ?? []).Concat(CidrDeny ?? []))
        {
            if (!PolicyRules.TryParseNetwork(rule, out _))
            {
                return $"'{rule}' is not an IP address or CIDR range (e.g. 203.0.113.0/24, 2001:db8::/32).";
            }
        }

        foreach (var pair in BasicAuth ?? [])
        {
            if (!PolicyRules.TrySplitCredential(pair, out _, out _))
            {
                return "Basic authentication needs user:password (a non-empty user without ':', a non-empty password, no control characters).";
            }
        }

        if (MaxRequestBodyBytes is < 0)
        {
            return "The request body limit cannot be negative.";
        }

        foreach (var rate in new[] { RateLimit, TunnelRateLimit })
        {
            if (rate is not null && !PolicyRules.TryParseRate(rate, out _))
            {
                return $"'{rate}' is not a rate limit: use COUNT/UNIT with a unit of s, m or h (e.g. 100/m).";
            }
        }

        if (RequestTimeoutSeconds is { } timeout && (double.IsNaN(timeout) || timeout is <= 0 or > 86_400))
        {
            return "The request timeout must be between 0 and 86400 seconds.";
        }

        if (MaxConcurrentRequests is < 1 or > 100_000)
        {
            return "The concurrent request limit must be between 1 and 100000.";
        }

        foreach (var header in (RequestHeadersAdd ?? []).Concat(ResponseHeadersAdd ?? []))
        {
            if (!PolicyRules.TryParseHeader(header, out var name, out _))
            {
                return $"'{header}' is not a header: use \"Name: value\" (a token name, a value without line breaks).";
            }

            if (PolicyRules.IsProtectedHeader(name))
            {
                return $"The {name} header is managed by the edge and cannot be set by a rule.";
            }
        }

        foreach (var name in (RequestHeadersRemove ?? []).Concat(ResponseHeadersRemove ?? []))
        {
            if (!PolicyRules.IsToken(name))
            {
                return $"'{name}' is not a header name.";
            }

            if (PolicyRules.IsProtectedHeader(name))
            {
                return $"The {name} header is managed by the edge and cannot be removed by a rule.";
            }
        }

        if (HostHeader is { } host && (host.Length is 0 or > 255 || host.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '/')))
        {
            return $"'{host}' is not a host header value (a host[:port], or rewrite).";
        }

        if (VerifyWebhook is { } webhook)
        {
            if (!PolicyRules.WebhookProviders.Contains(webhook.Provider ?? string.Empty, StringComparer.Ordinal))
            {
                return $"Unknown webhook provider '{webhook.Provider}': use {string.Join(", ", PolicyRules.WebhookProviders)}.";
            }

            if (string.IsNullOrEmpty(webhook.Secret) || webhook.Secret.Length > 1024)
            {
                return "Webhook verification needs the provider's signing secret (at most 1024 characters).";
            }

            if (webhook.ToleranceSeconds is { } tolerance && (double.IsNaN(tolerance) || tolerance is < 1 or > 86_400))
            {
                return "The webhook timestamp tolerance must be between 1 and 86400 seconds.";
            }
        }

        if (CircuitBreakerFailures is < 1 or > 10_000)
        {
            return "The circuit breaker needs between 1 and 10000 consecutive failures.";
        }

        if (CircuitBreakerSeconds is { } open && (double.IsNaN(open) || open is < 0.1 or > 3_600))
        {
            return "The circuit breaker's open time must be between 0.1 and 3600 seconds.";
        }

        return null;
    }
}

/// <summary>Webhook signature verification (see docs/policy.md for each provider's scheme).</summary>
public sealed record WebhookVerificationRequest
{
    /// <summary>"github", "stripe" or "slack".</summary>
    public string? Provider { get; init; }

    /// <summary>The provider's signing secret.</summary>
    public string? Secret { get; init; }

    /// <summary>How old a signed timestamp may be (stripe, slack), in seconds; default 300.</summary>
    public double? ToleranceSeconds { get; init; }
}

/// <summary>A parsed rate limit: <see cref="Count"/> requests per <see cref="Period"/>.</summary>
public readonly record struct RateSpec(int Count, TimeSpan Period)
{
    public override string ToString() => Count.ToString(CultureInfo.InvariantCulture) + "/" + (Period.TotalSeconds switch { 1 => "s", 60 => "m", _ => "h" });
}

/// <summary>Parsing shared by the agent's flags, the API's validation and the edge.</summary>
public static class PolicyRules
{
    /// <summary>Marks a stored password hash in a "user:password" pair: <c>$hmac-sha256$SALT$HASH</c> (base64).</summary>
    public const string HashedPasswordPrefix = "$hmac-sha256$";

    /// <summary>Providers whose webhook signatures the edge can check.</summary>
    public static IReadOnlyList<string> WebhookProviders { get; } = ["github", "stripe", "slack"];

    /// <summary>Parses "1.2.3.4", "2001:db8::1" (single addresses) or a CIDR range.</summary>
    public static bool TryParseNetwork(string? rule, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(rule))
        {
            return false;
        }

        rule = rule.Trim();
        return IPNetwork.TryParse(rule.Contains('/', StringComparison.Ordinal) ? rule : rule + (rule.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out network);
    }

    /// <summary>Splits "user:password" (user without ':', both non-empty, no control characters).</summary>
    public static bool TrySplitCredential(string? pair, out string user, out string password)
    {
        (user, password) = (string.Empty, string.Empty);
        var colon = pair?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (pair is null || colon <= 0 || colon == pair.Length - 1 || pair.Length > 512 || pair.Any(char.IsControl))
        {
            return false;
        }

        (user, password) = (pair[..colon], pair[(colon + 1)..]);
        return true;
    }

    /// <summary>HMAC-SHA-256(salt, user "\n" password): how basic-auth credentials are kept.</summary>
    public static byte[] HashCredential(byte[] salt, string user, string password)
        => System.Security.Cryptography.HMACSHA256.HashData(salt, System.Text.Encoding.UTF8.GetBytes(user + "\n" + password));

    /// <summary>"user:password" with the password replaced by its salted hash, for storage.</summary>
    public static string HashCredentialPair(string pair)
    {
        if (!TrySplitCredential(pair, out var user, out var password) || password.StartsWith(HashedPasswordPrefix, StringComparison.Ordinal))
        {
            return pair;
        }

        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        return $"{user}:{HashedPasswordPrefix}{Convert.ToBase64String(salt)}${Convert.ToBase64String(HashCredential(salt, user, password))}";
    }

    /// <summary>Parses "COUNT/UNIT" with unit s, m or h (also sec, min, hour, second, minute).</summary>
    public static bool TryParseRate(string? text, out RateSpec rate)
    {
        rate = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash <= 0 || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 1_000_000)
        {
            return false;
        }

        TimeSpan? period = text[(slash + 1)..].Trim().ToLowerInvariant() switch
        {
            "s" or "sec" or "second" => TimeSpan.FromSeconds(1),
            "m" or "min" or "minute" => TimeSpan.FromMinutes(1),
            "h" or "hour" => TimeSpan.FromHours(1),
            _ => null,
        };
        if (period is null)
        {
            return false;
        }

        rate = new RateSpec(count, period.Value);
        return true;
    }

    /// <summary>Parses "Name: value" (name a token; value without control characters other than tab, at most 8 KiB).</summary>
    public static bool TryParseHeader(string? text, out string name, out string value)
    {
        (name, value) = (string.Empty, string.Empty);
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0 || text.Length > 8192)
        {
            return false;
        }

        name = text[..colon].Trim();
        value = text[(colon + 1)..].Trim();
        return IsToken(name) && !value.Any(c => char.IsControl(c) && c != '\t');
    }

    /// <summary>Whether <paramref name="name"/> is an RFC 9110 token (a valid header name).</summary>
    public static bool IsToken(string? name)
        => !string.IsNullOrEmpty(name) && name.Length <= 256 && name.All(c => c < 127 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)));

    /// <summary>Headers a rule may not add or remove: framing, connection management, Host (use the host rule).</summary>
    public static bool IsProtectedHeader(string name) => name.ToLowerInvariant() is
        "host" or "content-length" or "transfer-encoding" or "connection" or "upgrade" or "keep-alive"
        or "proxy-connection" or "te" or "trailer" or "proxy-authenticate" or "proxy-authorization";
}
