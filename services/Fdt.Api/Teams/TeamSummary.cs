using Fdt.Data;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Teams;

/// <summary>A team and the caller's role in it.</summary>
public sealed record TeamSummary(Guid Id, string Name, string Role, DateTime CreatedAt)
{
    /// <summary>The teams <paramref name="userId"/> is a member of, by name.</summary>
    internal static async Task<List<TeamSummary>> ForUserAsync(FdtDbContext db, Guid userId, CancellationToken cancellationToken)
    {
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .Select(m => new { m.TeamId, m.Team!.Name, m.Role, m.Team.CreatedAt })
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.TeamId).Select(r => new TeamSummary(r.TeamId, r.Name, TeamRoles.Name(r.Role), r.CreatedAt))];
    }
}
