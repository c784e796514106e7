using System.Text.Json;
using Fdt.Api.Auth;
using Fdt.Api.Events;
using Fdt.Api.Security;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.Teams;

/// <summary>
/// Teams and their members. Every team-scoped handler asks <see cref="TeamAccess"/> first:
/// non-members get 404, roles that are too low get 403, operators act as owners.
/// </summary>
public static class TeamsEndpoints
{
    // Serialises the changes that could leave a team without an owner (role changes, removals),
    // so two owners demoting each other at once cannot both pass the "last owner" check.
    private static readonly SemaphoreSlim OwnershipGate = new(1, 1);

    public static RouteGroupBuilder MapTeamsApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var teams = v1.MapGroup("/teams").WithTags("Teams").RequireAuthorization();
        teams.MapGet("/", ListTeamsAsync)
            .WithName("ListTeams")
            .WithSummary("The caller's teams with their role in each.");
        teams.MapPost("/", CreateTeamAsync)
            .WithName("CreateTeam")
            .WithSummary("Creates a team; the caller becomes its owner.");
        teams.MapGet("/{teamId:guid}", GetTeamAsync)
            .WithName("GetTeam")
            .WithSummary("A team and the caller's role in it (viewer).");
        teams.MapPatch("/{teamId:guid}", RenameTeamAsync)
            .WithName("UpdateTeam")
            .WithSummary("Renames a team (admin).");
        teams.MapGet("/{teamId:guid}/members", ListMembersAsync)
            .WithName("ListTeamMembers")
            .WithSummary("The team's members (viewer).");
        teams.MapPatch("/{teamId:guid}/members/{userId:guid}", ChangeMemberRoleAsync)
            .WithName("UpdateTeamMember")
            .WithSummary("Changes a member's role (admin; only owners grant or take the owner role; the last owner stays).");
        teams.MapDelete("/{teamId:guid}/members/{userId:guid}", RemoveMemberAsync)
            .WithName("RemoveTeamMember")
            .WithSummary("Removes a member (admin), or leaves the team (any member); the last owner cannot leave.");
        return v1;
    }

    internal static async Task<Ok<List<TeamSummary>>> ListTeamsAsync([AsParameters] IdentityServices services)
        => TypedResults.Ok(await TeamSummary.ForUserAsync(services.Db, services.Http.User.RequireUserId(), services.Aborted));

    internal static async Task<Results<Created<TeamSummary>, ValidationProblem>> CreateTeamAsync(TeamNameRequest request, [AsParameters] IdentityServices services)
    {
        var input = new InputValidation();
        var name = input.TeamName("name", request.Name);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        var userId = services.Http.User.RequireUserId();
        var now = services.Now;
        var team = new Team { Id = Guid.NewGuid(), Name = name, CreatedAt = now };
        services.Db.Teams.Add(team);
        services.Db.Memberships.Add(new Membership { TeamId = team.Id, UserId = userId, Role = TeamRole.Owner, CreatedAt = now });
        var details = JsonSerializer.Serialize(new { name });
        await services.Audit.SaveWithAuditAsync(services.Db, services.Record("team.create", userId, team.Id, "team", team.Id.ToString("D"), details), services.Aborted);
        return TypedResults.Created($"/v1/teams/{team.Id:D}", new TeamSummary(team.Id, team.Name, TeamRoles.Name(TeamRole.Owner), team.CreatedAt));
    }

    internal static async Task<Results<Ok<TeamSummary>, ProblemHttpResult>> GetTeamAsync(Guid teamId, [AsParameters] IdentityServices services)
    {
        var (outcome, role) = await TeamAccess.CheckAsync(services.Db, services.Http.User, teamId, TeamRole.Viewer, services.Aborted);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return Refuse(outcome, TeamRole.Viewer);
        }

        var team = await services.Db.Teams.AsNoTracking().SingleAsync(t => t.Id == teamId, services.Aborted);
        return TypedResults.Ok(new TeamSummary(team.Id, team.Name, TeamRoles.Name(role), team.CreatedAt));
    }

    internal static async Task<Results<Ok<TeamSummary>, ValidationProblem, ProblemHttpResult>> RenameTeamAsync(Guid teamId, TeamNameRequest request, [AsParameters] IdentityServices services)
    {
        var (outcome, role) = await TeamAccess.CheckAsync(services.Db, services.Http.User, teamId, TeamRole.Admin, services.Aborted);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return Refuse(outcome, TeamRole.Admin);
        }

        var input = new InputValidation();
        var name = input.TeamName("name", request.Name);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        var team = await services.Db.Teams.SingleAsync(t => t.Id == teamId, services.Aborted);
        if (team.Name != name)
        {
            var details = JsonSerializer.Serialize(new { from = team.Name, to = name });
            team.Name = name;
            await services.Audit.SaveWithAuditAsync(services.Db, services.Record("team.update", null, teamId, "team", teamId.ToString("D"), details), services.Aborted);
        }

        return TypedResults.Ok(new TeamSummary(team.Id, team.Name, TeamRoles.Name(role), team.CreatedAt));
    }

    internal static async Task<Results<Ok<List<MemberSummary>>, ProblemHttpResult>> ListMembersAsync(Guid teamId, [AsParameters] IdentityServices services)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(services.Db, services.Http.User, teamId, TeamRole.Viewer, services.Aborted);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return Refuse(outcome, TeamRole.Viewer);
        }

        var rows = await services.Db.Memberships.AsNoTracking()
            .Where(m => m.TeamId == teamId)
            .Select(m => new { m.UserId, m.User!.Email, m.User.DisplayName, m.Role, m.CreatedAt })
            .ToListAsync(services.Aborted);
        List<MemberSummary> members = [.. rows
            .OrderBy(r => r.CreatedAt)
            .ThenBy(r => r.Email, StringComparer.Ordinal)
            .Select(r => new MemberSummary(r.UserId, r.Email, r.DisplayName, TeamRoles.Name(r.Role), r.CreatedAt))];
        return TypedResults.Ok(members);
    }

    internal static async Task<Results<Ok<MemberSummary>, ValidationProblem, ProblemHttpResult>> ChangeMemberRoleAsync(Guid teamId, Guid userId, MemberRoleRequest request, [AsParameters] IdentityServices services)
    {
        var db = services.Db;
        var (outcome, callerRole) = await TeamAccess.CheckAsync(db, services.Http.User, teamId, TeamRole.Admin, services.Aborted);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return Refuse(outcome, TeamRole.Admin);
        }

        var input = new InputValidation();
        var role = input.Role("role", request.Role);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        await OwnershipGate.WaitAsync(services.Aborted);
        try
        {
            var membership = await db.Memberships.Include(m => m.User).SingleOrDefaultAsync(m => m.TeamId == teamId && m.UserId == userId, services.Aborted);
            if (membership is null)
            {
                return MemberNotFound();
            }

            if ((membership.Role == TeamRole.Owner || role == TeamRole.Owner) && callerRole != TeamRole.Owner)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: "Only owners grant or take the owner role.");
            }

            if (membership.Role == TeamRole.Owner && role != TeamRole.Owner && await IsLastOwnerAsync(services, teamId))
            {
                return LastOwner("The team's last owner cannot be demoted. Make another member owner first.");
            }

            if (membership.Role != role)
            {
                var details = JsonSerializer.Serialize(new { from = TeamRoles.Name(membership.Role), to = TeamRoles.Name(role) });
                membership.Role = role;
                await services.Audit.SaveWithAuditAsync(db, services.Record("member.update", null, teamId, "user", userId.ToString("D"), details), services.Aborted);
            }

            var user = membership.User!;
            return TypedResults.Ok(new MemberSummary(user.Id, user.Email, user.DisplayName, TeamRoles.Name(membership.Role), membership.CreatedAt));
        }
        finally
        {
            OwnershipGate.Release();
        }
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(Guid teamId, Guid userId, [AsParameters] IdentityServices services)
    {
        var db = services.Db;
        var leaving = userId == services.Http.User.RequireUserId();
        var required = leaving ? TeamRole.Viewer : TeamRole.Admin;
        var (outcome, callerRole) = await TeamAccess.CheckAsync(db, services.Http.User, teamId, required, services.Aborted);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return Refuse(outcome, required);
        }

        await OwnershipGate.WaitAsync(services.Aborted);
        try
        {
            var membership = await db.Memberships.SingleOrDefaultAsync(m => m.TeamId == teamId && m.UserId == userId, services.Aborted);
            if (membership is null)
            {
                return MemberNotFound();
            }

            if (membership.Role == TeamRole.Owner && !leaving && callerRole != TeamRole.Owner)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: "Only owners remove an owner.");
            }

            if (membership.Role == TeamRole.Owner && await IsLastOwnerAsync(services, teamId))
            {
                return LastOwner("The team's last owner cannot leave or be removed. Make another member owner first.");
            }

            db.Memberships.Remove(membership);

            // Whoever leaves a team takes no access with them: the authtokens they made for it
            // are revoked, and their agents disconnected.
            var now = services.Now;
            var authtokens = await db.Authtokens.Where(a => a.TeamId == teamId && a.CreatedByUserId == userId && a.RevokedAt == null).ToListAsync(services.Aborted);
            foreach (var authtoken in authtokens)
            {
                authtoken.RevokedAt = now;
            }

            var details = JsonSerializer.Serialize(new { role = TeamRoles.Name(membership.Role), left = leaving, revokedAuthtokens = authtokens.Count });
            await services.Audit.SaveWithAuditAsync(db, services.Record("member.remove", null, teamId, "user", userId.ToString("D"), details), services.Aborted);
            var events = services.Http.RequestServices.GetRequiredService<IControlPlaneEvents>();
            foreach (var authtoken in authtokens)
            {
                await events.AuthtokenRevokedAsync(authtoken.Id, services.Aborted);
            }

            return TypedResults.NoContent();
        }
        finally
        {
            OwnershipGate.Release();
        }
    }

    /// <summary>The problem for a refused <see cref="TeamAccess"/> check, typed for <c>Results&lt;...&gt;</c>.</summary>
    internal static ProblemHttpResult Refuse(TeamAccess.Outcome outcome, TeamRole required)
        => (ProblemHttpResult)TeamAccess.Refusal(outcome, required);

    private static async Task<bool> IsLastOwnerAsync(IdentityServices services, Guid teamId)
        => await services.Db.Memberships.CountAsync(m => m.TeamId == teamId && m.Role == TeamRole.Owner, services.Aborted) <= 1;

    private static ProblemHttpResult MemberNotFound()
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Member not found", detail: "This person is not a member of the team.");

    private static ProblemHttpResult LastOwner(string detail)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Last owner", detail: detail);
}
