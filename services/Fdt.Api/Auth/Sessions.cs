using Fdt.Api.Security;
using Fdt.Data.Model;

namespace Fdt.Api.Auth;

/// <summary>Starts sessions: an access token and a refresh token whose hash is added to the context (saved by the caller, with its audit event).</summary>
internal static class Sessions
{
    public const string RefreshTokenPrefix = "fdt_rt_";

    /// <summary>Adds a refresh token of <paramref name="familyId"/> for <paramref name="user"/> to the context and returns the session and the token's row.</summary>
    public static (SessionResponse Session, RefreshToken Row) Start(IdentityServices services, User user, Guid familyId, Guid? tokenId = null)
    {
        var now = services.Now;
        var (accessToken, accessExpiresAt) = services.Tokens.Issue(user);
        var refreshToken = Secrets.NewToken(RefreshTokenPrefix);
        var row = new RefreshToken
        {
            Id = tokenId ?? Guid.NewGuid(),
            UserId = user.Id,
            FamilyId = familyId,
            TokenHash = Secrets.Hash(refreshToken),
            CreatedAt = now,
            ExpiresAt = now + services.Options.RefreshTokenLifetime,
        };
        services.Db.RefreshTokens.Add(row);
        return (new SessionResponse(accessToken, accessExpiresAt, refreshToken, row.ExpiresAt, UserSummary.From(user)), row);
    }
}
