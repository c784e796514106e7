using System.Security.Claims;
using Fdt.Data;
using Fdt.Data.Model;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fdt.Api.Security;

/// <summary>Issues people's short-lived access tokens (JWT, HMAC-SHA256).</summary>
public sealed class AccessTokenIssuer(ApiKeys keys, IOptions<ApiOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTime ExpiresAt) Issue(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetStoredUtcNow();
        var expires = now + options.Value.AccessTokenLifetime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = user.Id.ToString("D"),
            ["email"] = user.Email,
            ["name"] = user.DisplayName,
            [FdtClaims.SecurityStamp] = user.SecurityStamp,
        };
        if (user.IsOperator)
        {
            claims[FdtClaims.Operator] = "true";
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = FdtClaims.Issuer,
            Audience = FdtClaims.AccessAudience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(keys.AccessTokenKey, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    internal static TokenValidationParameters ValidationParameters(ApiKeys keys) => new()
    {
        ValidIssuer = FdtClaims.Issuer,
        ValidAudience = FdtClaims.AccessAudience,
        IssuerSigningKey = keys.AccessTokenKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "name",
    };

    internal static ClaimsIdentity? Identity(ClaimsPrincipal principal) => principal.Identity as ClaimsIdentity;
}
