using Fdt.Api.Security;
using Fdt.Data;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fdt.Api.Agents;

/// <summary>
/// Issues the short-lived agent tokens (JWT, ES256) an authtoken is exchanged for. The edge
/// verifies them with the public key alone, so it never calls the API or the database for an
/// agent; revocation reaches it as an event (see the edge bridge).
/// </summary>
public sealed class AgentTokenIssuer(ApiKeys keys, IOptions<ApiOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTime ExpiresAt) Issue(AgentGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var now = time.GetStoredUtcNow();
        var expires = now + options.Value.AgentTokenLifetime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = grant.AuthtokenId.ToString("D"),
            [FdtClaims.Team] = grant.TeamId.ToString("D"),
            [FdtClaims.TeamName] = grant.TeamName,
            [FdtClaims.Authtoken] = grant.AuthtokenId.ToString("D"),
            [FdtClaims.MaxTunnels] = grant.MaxTunnels,
        };
        if (grant.ReservedNames.Count > 0)
        {
            claims[FdtClaims.ReservedName] = grant.ReservedNames.ToArray();
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = FdtClaims.Issuer,
            Audience = FdtClaims.AgentAudience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(keys.AgentTokenSigningKey, SecurityAlgorithms.EcdsaSha256),
        });
        return (token, expires);
    }

    /// <summary>What the edge checks an agent token against.</summary>
    public static TokenValidationParameters ValidationParameters(SecurityKey publicKey) => new()
    {
        ValidIssuer = FdtClaims.Issuer,
        ValidAudience = FdtClaims.AgentAudience,
        IssuerSigningKey = publicKey,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
    };
}
