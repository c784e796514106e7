using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fdt.Protocol.Control;

namespace Fdt.Edge.Policy;

/// <summary>
/// A tunnel's traffic policy, composed from its layers (team default, reserved-name policy, what
/// the agent asked for) and evaluated at the edge before any byte reaches the agent. Composition
/// is "every layer must pass": each layer's IP rules, rate limits and webhook checks apply; the
/// smallest of each limit wins; header rules apply in layer order; basic-auth credentials of all
/// layers are accepted. Passwords are kept only as salted hashes and compared in constant time.
/// Instances are immutable; a policy change replaces the tunnel's instance.
/// </summary>
public sealed class TunnelPolicy
{
    /// <summary>No rules.</summary>
    public static TunnelPolicy None { get; } = new();

    private List<IPNetwork[]> _allowLists = [];
    private List<IPNetwork> _deny = [];
    private List<BasicCredential> _credentials = [];

    private TunnelPolicy()
    {
    }

    /// <summary>Whether the policy has no rule at all (the hot path skips it).</summary>
    public bool IsEmpty { get; private init; } = true;

    /// <summary>Whether any layer restricts visitor addresses.</summary>
    public bool HasAddressRules => _allowLists.Count > 0 || _deny.Count > 0;

    public bool RequiresAuthentication => _credentials.Count > 0;

    public long? MaxRequestBodyBytes { get; private init; }

    public TimeSpan? RequestTimeout { get; private init; }

    public int? MaxConcurrentRequests { get; private init; }

    /// <summary>Rate limits, each with its own counters.</summary>
    public IReadOnlyList<RateLimitRule> RateLimits { get; private init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> RequestHeadersAdd { get; private init; } = [];

    public IReadOnlyList<string> RequestHeadersRemove { get; private init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeadersAdd { get; private init; } = [];

    public IReadOnlyList<string> ResponseHeadersRemove { get; private init; } = [];

    /// <summary>Whether any header rule applies (requests or responses).</summary>
    public bool HasHeaderRules => RequestHeadersAdd.Count + RequestHeadersRemove.Count + ResponseHeadersAdd.Count + ResponseHeadersRemove.Count > 0;

    /// <summary>Host header override from a policy layer ("rewrite": the local address); null keeps the bind's rule.</summary>
    public string? HostHeader { get; private init; }

    public IReadOnlyList<WebhookVerifier> Webhooks { get; private init; } = [];

    /// <summary>Whether exchanges are captured for the inspector (false when any layer says so).</summary>
    public bool Inspect { get; private init; } = true;

    /// <summary>Consecutive failures that open the circuit, and how long it stays open.</summary>
    public (int Failures, TimeSpan OpenFor)? CircuitBreaker { get; private init; }

    /// <summary>Compiles the policy an agent asks for at bind time; false with a reason when a rule is malformed.</summary>
    public static bool TryCreate(TunnelPolicyRequest? request, TunnelProtocol protocol, out TunnelPolicy policy, out string? error)
        => TryCompose(request is null ? [] : [new PolicyLayer(PolicyLayer.Agent, request)], protocol, out policy, out error);

    /// <summary>
    /// Composes layers into one policy. A malformed layer fails the composition with a reason; a
    /// layer from the agent with rules only http tunnels understand fails it for tcp/tls tunnels,
    /// while such rules in control-plane layers (team defaults) are skipped for them.
    /// </summary>
    public static bool TryCompose(IReadOnlyList<PolicyLayer> layers, TunnelProtocol protocol, out TunnelPolicy policy, out string? error)
    {
        ArgumentNullException.ThrowIfNull(layers);
        policy = None;
        error = null;
        if (layers.Count == 0)
        {
            return true;
        }

        var http = protocol == TunnelProtocol.Http;
        var allowLists = new List<IPNetwork[]>();
        var deny = new List<IPNetwork>();
        var credentials = new List<BasicCredential>();
        var rates = new List<RateLimitRule>();
        var requestAdd = new List<KeyValuePair<string, string>>();
        var requestRemove = new List<string>();
        var responseAdd = new List<KeyValuePair<string, string>>();
        var responseRemove = new List<string>();
        var webhooks = new List<WebhookVerifier>();
        long? maxBody = null;
        TimeSpan? timeout = null;
        int? maxConcurrent = null;
        string? hostHeader = null;
        (int Failures, TimeSpan OpenFor)? breaker = null;
        var inspect = true;

        foreach (var layer in layers)
        {
            var request = layer.Request;
            if (request.Validate() is { } invalid)
            {
                error = invalid;
                return false;
            }

            if (!http && request.HasHttpRules && layer.Source == PolicyLayer.Agent)
            {
                error = "Basic authentication, limits, header rules, webhook verification and circuit breakers apply to http tunnels only.";
                return false;
            }

            if ((request.CidrAllow?.Count ?? 0) > 0)
            {
                allowLists.Add([.. request.CidrAllow!.Select(Network)]);
            }

            deny.AddRange((request.CidrDeny ?? []).Select(Network));
            if (!http)
            {
                continue;
            }

            foreach (var pair in request.BasicAuth ?? [])
            {
                _ = PolicyRules.TrySplitCredential(pair, out var user, out var password);
                credentials.Add(BasicCredential.Create(user, password));
            }

            maxBody = Min(maxBody, request.MaxRequestBodyBytes);
            timeout = Min(timeout, request.RequestTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            maxConcurrent = Min(maxConcurrent, request.MaxConcurrentRequests);
            foreach (var (text, perVisitor) in new[] { (request.RateLimit, true), (request.TunnelRateLimit, false) })
            {
                if (PolicyRules.TryParseRate(text, out var rate))
                {
                    rates.Add(new RateLimitRule($"{layer.Source}/{(perVisitor ? "visitor" : "tunnel")}/{rate}", rate, perVisitor));
                }
            }

            requestAdd.AddRange((request.RequestHeadersAdd ?? []).Select(Header));
            requestRemove.AddRange(request.RequestHeadersRemove ?? []);
            responseAdd.AddRange((request.ResponseHeadersAdd ?? []).Select(Header));
            responseRemove.AddRange(request.ResponseHeadersRemove ?? []);
            hostHeader = request.HostHeader ?? hostHeader;
            inspect &= request.Inspect ?? true;
            if (request.VerifyWebhook is { } webhook)
            {
                webhooks.Add(WebhookVerifier.Create(webhook));
            }

            if (request.CircuitBreakerFailures is { } failures)
            {
                var openFor = TimeSpan.FromSeconds(request.CircuitBreakerSeconds ?? 10);
                breaker = breaker is { } existing
                    ? (Math.Min(existing.Failures, failures), existing.OpenFor > openFor ? existing.OpenFor : openFor)
                    : (failures, openFor);
            }
        }

        policy = new TunnelPolicy
        {
            _allowLists = allowLists,
            _deny = deny,
            _credentials = credentials,
            MaxRequestBodyBytes = maxBody,
            RequestTimeout = timeout,
            MaxConcurrentRequests = maxConcurrent,
            RateLimits = rates,
            RequestHeadersAdd = requestAdd,
            RequestHeadersRemove = requestRemove,
            ResponseHeadersAdd = responseAdd,
            ResponseHeadersRemove = responseRemove,
            HostHeader = hostHeader,
            Webhooks = webhooks,
            CircuitBreaker = breaker,
            Inspect = inspect,
            IsEmpty = allowLists.Count + deny.Count + credentials.Count + rates.Count + requestAdd.Count + requestRemove.Count
                + responseAdd.Count + responseRemove.Count + webhooks.Count == 0
                && maxBody is null && timeout is null && maxConcurrent is null && hostHeader is null && breaker is null,
        };
        return true;

        // Validate() has accepted every rule, so parsing cannot fail here.
        static IPNetwork Network(string rule)
            => PolicyRules.TryParseNetwork(rule, out var network) ? network : throw new InvalidOperationException(rule);

        static KeyValuePair<string, string> Header(string text)
            => PolicyRules.TryParseHeader(text, out var name, out var value) ? new(name, value) : throw new InvalidOperationException(text);
    }

    /// <summary>Whether the IP rules admit <paramref name="address"/>; the reason when they do not.</summary>
    public bool Admits(IPAddress? address) => CheckAddress(address) is null;

    /// <summary>Null when the IP rules admit <paramref name="address"/>, else "deny-list" or "not-allowed".</summary>
    public string? CheckAddress(IPAddress? address)
    {
        if (_allowLists.Count == 0 && _deny.Count == 0)
        {
            return null;
        }

        if (address is null)
        {
            return "unknown-address";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _deny)
        {
            if (network.Contains(address))
            {
                return "deny-list";
            }
        }

        foreach (var allow in _allowLists)
        {
            var allowed = false;
            foreach (var network in allow)
            {
                allowed |= network.Contains(address);
            }

            if (!allowed)
            {
                return "not-allowed";
            }
        }

        return null;
    }

    /// <summary>Checks an <c>Authorization</c> header against the tunnel's credentials.</summary>
    public bool Authenticates(string? authorization)
    {
        if (_credentials.Count == 0)
        {
            return true;
        }

        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || authorization.Length > 2048)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        // Every credential is checked, matching or not, so timing tells nothing about which.
        var user = decoded[..colon];
        var password = decoded[(colon + 1)..];
        var matched = false;
        foreach (var credential in _credentials)
        {
            matched |= credential.Matches(user, password);
        }

        return matched;
    }

    private static T? Min<T>(T? current, T? candidate)
        where T : struct, IComparable<T>
        => current is null ? candidate : candidate is null ? current : candidate.Value.CompareTo(current.Value) < 0 ? candidate : current;
}

/// <summary>One layer of a tunnel's policy and where it came from.</summary>
/// <param name="Source">"team", "name" (a reserved name's policy) or "agent".</param>
public sealed record PolicyLayer(string Source, TunnelPolicyRequest Request)
{
    public const string Team = "team";
    public const string Name = "name";
    public const string Agent = "agent";
}

/// <summary>A rate limit: per visitor address or for the whole tunnel.</summary>
/// <param name="Key">Identifies the limit's counters; the same rule keeps its counters across policy updates.</param>
public sealed record RateLimitRule(string Key, RateSpec Rate, bool PerVisitor);

/// <summary>
/// A basic-auth credential kept as HMAC-SHA-256(salt, user "\n" password). Given a password of the
/// form <c>$hmac-sha256$SALT$HASH</c> (base64, as the API stores credentials), the hash is used as is.
/// </summary>
internal sealed class BasicCredential
{
    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private BasicCredential(byte[] salt, byte[] hash)
    {
        _salt = salt;
        _hash = hash;
    }

    public static BasicCredential Create(string user, string password)
    {
        if (password.StartsWith(PolicyRules.HashedPasswordPrefix, StringComparison.Ordinal)
            && password[PolicyRules.HashedPasswordPrefix.Length..].Split('$') is [var salt, var hash]
            && TryBase64(salt, out var saltBytes) && TryBase64(hash, out var hashBytes) && hashBytes.Length == 32)
        {
            return new BasicCredential(saltBytes, hashBytes);
        }

        var fresh = RandomNumberGenerator.GetBytes(16);
        return new BasicCredential(fresh, Hash(fresh, user, password));
    }

    public bool Matches(string user, string password) => CryptographicOperations.FixedTimeEquals(_hash, Hash(_salt, user, password));

    private static byte[] Hash(byte[] salt, string user, string password) => PolicyRules.HashCredential(salt, user, password);

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
