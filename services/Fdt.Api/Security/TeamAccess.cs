using Fdt.Data;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Security;

/// <summary>
/// The tenant boundary: every team-scoped endpoint asks here first. A user who is not a member
/// of the team gets 404 (the team's existence is not revealed); a member whose role is too low
/// gets 403. Operators act as owners of every team.
/// </summary>
public static class TeamAccess
{
    public enum Outcome
    {
        Allowed,
        NotFound,
        Forbidden,
    }

    public static async Task<(Outcome Outcome, TeamRole Role)> CheckAsync(FdtDbContext db, System.Security.Claims.ClaimsPrincipal user, Guid teamId, TeamRole required, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.RequireUserId();
        var role = await db.Memberships.Where(m => m.TeamId == teamId && m.UserId == userId).Select(m => (TeamRole?)m.Role).SingleOrDefaultAsync(cancellationToken);
        if (role is null)
        {
            if (user.IsOperator() && await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
            {
                return (Outcome.Allowed, TeamRole.Owner);
            }

            return (Outcome.NotFound, default);
        }

        return role.Value >= required ? (Outcome.Allowed, role.Value) : (Outcome.Forbidden, role.Value);
    }

    /// <summary>The problem result for a refused check.</summary>
    public static Microsoft.AspNetCore.Http.IResult Refusal(Outcome outcome, TeamRole required) => outcome switch
    {
        Outcome.NotFound => Microsoft.AspNetCore.Http.TypedResults.Problem(statusCode: 404, title: "Team not found"),
        _ => Microsoft.AspNetCore.Http.TypedResults.Problem(statusCode: 403, title: "Not allowed", detail: $"This needs the {required.ToString().ToLowerInvariant()} role in the team."),
    };
}
