using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Authtokens;

/// <summary>Creates authtokens and resolves presented ones. Only a hash and a short prefix of a token are stored.</summary>
public static class AuthtokenService
{
    /// <summary>Every authtoken starts with this.</summary>
    public const string TokenPrefix = "fdt_";

    /// <summary>Characters of the token kept visible (in lists) to recognise it.</summary>
    public const int VisiblePrefixLength = 12;

    /// <summary>Adds a new authtoken to <paramref name="db"/> (not saved) and returns it with its secret.</summary>
    public static (Authtoken Token, string Secret) Create(FdtDbContext db, Guid teamId, Guid? createdBy, string description, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(db);
        var secret = Secrets.NewToken(TokenPrefix);
        var token = new Authtoken
        {
            Id = Guid.NewGuid(),
            TeamId = teamId,
            CreatedByUserId = createdBy,
            Description = description,
            Prefix = secret[..VisiblePrefixLength],
            SecretHash = Secrets.Hash(secret),
            CreatedAt = now,
        };
        db.Authtokens.Add(token);
        return (token, secret);
    }

    /// <summary>The active (not revoked) authtoken for a presented secret, with its team's name; null when unknown or revoked.</summary>
    public static async Task<(Authtoken Token, string TeamName)?> ResolveAsync(FdtDbContext db, string? secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(TokenPrefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return null;
        }

        var hash = Secrets.Hash(secret);
        var found = await db.Authtokens
            .Where(a => a.SecretHash == hash && a.RevokedAt == null)
            .Join(db.Teams, a => a.TeamId, t => t.Id, (a, t) => new { Token = a, TeamName = t.Name })
            .SingleOrDefaultAsync(cancellationToken);
        return found is null ? null : (found.Token, found.TeamName);
    }
}
