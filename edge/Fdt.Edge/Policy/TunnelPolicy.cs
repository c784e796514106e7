using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fdt.Protocol.Control;

namespace Fdt.Edge.Policy;

/// <summary>
/// A tunnel's traffic policy, compiled at bind time and evaluated at the edge before any byte
/// reaches the agent: IP rules (HTTP requests and TCP/TLS connections), basic authentication and
/// the request body limit (HTTP). Basic-auth passwords are kept only as salted SHA-256 hashes and
/// compared in constant time.
/// </summary>
public sealed class TunnelPolicy
{
    /// <summary>No rules.</summary>
    public static TunnelPolicy None { get; } = new([], [], [], null);

    /// <summary>At most this many rules of each kind.</summary>
    public const int MaxRules = 64;

    private readonly IReadOnlyList<IPNetwork> _allow;
    private readonly IReadOnlyList<IPNetwork> _deny;
    private readonly IReadOnlyList<Credential> _credentials;

    private TunnelPolicy(IReadOnlyList<IPNetwork> allow, IReadOnlyList<IPNetwork> deny, IReadOnlyList<Credential> credentials, long? maxRequestBodyBytes)
    {
        _allow = allow;
        _deny = deny;
        _credentials = credentials;
        MaxRequestBodyBytes = maxRequestBodyBytes;
    }

    public long? MaxRequestBodyBytes { get; }

    public bool RequiresAuthentication => _credentials.Count > 0;

    /// <summary>Compiles a bind request's policy; false with a reason when a rule is malformed.</summary>
    public static bool TryCreate(TunnelPolicyRequest? request, TunnelProtocol protocol, out TunnelPolicy policy, out string? error)
    {
        policy = None;
        error = null;
        if (request is null)
        {
            return true;
        }

        if (Count(request.BasicAuth) > MaxRules || Count(request.CidrAllow) > MaxRules || Count(request.CidrDeny) > MaxRules)
        {
            error = $"A policy may hold at most {MaxRules} rules of each kind.";
            return false;
        }

        if (protocol != TunnelProtocol.Http && (Count(request.BasicAuth) > 0 || request.MaxRequestBodyBytes is not null))
        {
            error = "Basic authentication and body limits apply to http tunnels only.";
            return false;
        }

        if (request.MaxRequestBodyBytes is < 0)
        {
            error = "The request body limit cannot be negative.";
            return false;
        }

        var allow = new List<IPNetwork>();
        var deny = new List<IPNetwork>();
        foreach (var (rules, target) in new[] { (request.CidrAllow, allow), (request.CidrDeny, deny) })
        {
            foreach (var rule in rules ?? [])
            {
                if (!IPNetwork.TryParse(rule.Contains('/', StringComparison.Ordinal) ? rule : rule + (rule.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out var network))
                {
                    error = $"'{rule}' is not an IP address or CIDR range (e.g. 203.0.113.0/24, 2001:db8::/32).";
                    return false;
                }

                target.Add(network);
            }
        }

        var credentials = new List<Credential>();
        foreach (var pair in request.BasicAuth ?? [])
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == pair.Length - 1 || pair.Length > 512 || pair.Any(char.IsControl))
            {
                error = "Basic authentication needs user:password (a non-empty user without ':', a non-empty password, no control characters).";
                return false;
            }

            credentials.Add(Credential.Create(pair[..colon], pair[(colon + 1)..]));
        }

        policy = new TunnelPolicy(allow, deny, credentials, request.MaxRequestBodyBytes);
        return true;
    }

    /// <summary>Whether the IP rules admit <paramref name="address"/>.</summary>
    public bool Admits(IPAddress? address)
    {
        if (_allow.Count == 0 && _deny.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _deny)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        if (_allow.Count == 0)
        {
            return true;
        }

        foreach (var network in _allow)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
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

    private static int Count(IReadOnlyList<string>? rules) => rules?.Count ?? 0;

    private sealed class Credential
    {
        private readonly byte[] _salt;
        private readonly byte[] _hash;

        private Credential(byte[] salt, byte[] hash)
        {
            _salt = salt;
            _hash = hash;
        }

        public static Credential Create(string user, string password)
        {
            var salt = RandomNumberGenerator.GetBytes(16);
            return new Credential(salt, Hash(salt, user, password));
        }

        public bool Matches(string user, string password) => CryptographicOperations.FixedTimeEquals(_hash, Hash(_salt, user, password));

        private static byte[] Hash(byte[] salt, string user, string password)
            => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(user + "\n" + password));
    }
}
