using Fdt.Api.Invitations;
using Fdt.Api.Security;
using Fdt.Api.Teams;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Team;

/// <summary>
/// The team: its name, members and their roles, and invitations. A new invitation's link is in
/// the answer to the post that created it only.
/// </summary>
public sealed class IndexModel : ConsolePageModel
{
    public static readonly string[] Roles = ["viewer", "member", "admin", "owner"];

    [BindProperty]
    public string? TeamName { get; set; }

    [BindProperty]
    public string? InviteEmail { get; set; }

    [BindProperty]
    public string? InviteRole { get; set; } = "member";

    public TeamChoice? Team { get; private set; }

    public IReadOnlyList<MemberSummary> Members { get; private set; } = [];

    public IReadOnlyList<InvitationSummary> Invitations { get; private set; } = [];

    public CreatedInvitation? Created { get; private set; }

    public bool IsAdmin => Team?.Role >= TeamRole.Admin;

    public Guid? Me => User.GetUserId();

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRenameAsync()
    {
        if (await CurrentAsync() is not { } team)
        {
            return NotFound();
        }

        var renamed = await Api.SendAsync<TeamSummary>(HttpContext, "UpdateTeam", new { teamId = team.Id }, new TeamNameRequest(TeamName));
        return renamed.IsSuccess ? Done("/team", "The team is renamed.") : await AgainAsync(renamed.Problem, renamed.Status, "name");
    }

    public async Task<IActionResult> OnPostInviteAsync()
    {
        if (await CurrentAsync() is not { } team)
        {
            return NotFound();
        }

        var created = await Api.SendAsync<CreatedInvitation>(HttpContext, "CreateInvitation", new { teamId = team.Id }, new CreateInvitationRequest(InviteEmail, InviteRole));
        if (!created.IsSuccess)
        {
            return await AgainAsync(created.Problem, created.Status, "email");
        }

        Created = created.Value;
        InviteEmail = null;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeInvitationAsync(Guid id)
    {
        if (await CurrentAsync() is not { } team)
        {
            return NotFound();
        }

        var revoked = await Api.SendAsync(HttpContext, "RevokeInvitation", new { teamId = team.Id, invitationId = id });
        return revoked.IsSuccess ? Done("/team", "The invitation is revoked; its link no longer works.") : await AgainAsync(revoked.Problem, revoked.Status, null);
    }

    public async Task<IActionResult> OnPostRoleAsync(Guid userId, string role)
    {
        if (await CurrentAsync() is not { } team)
        {
            return NotFound();
        }

        var changed = await Api.SendAsync<MemberSummary>(HttpContext, "UpdateTeamMember", new { teamId = team.Id, userId }, new MemberRoleRequest(role));
        return changed.IsSuccess ? Done("/team", $"{changed.Value!.Email} is now {changed.Value.Role}.") : await AgainAsync(changed.Problem, changed.Status, null);
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid userId)
    {
        if (await CurrentAsync() is not { } team)
        {
            return NotFound();
        }

        var removed = await Api.SendAsync(HttpContext, "RemoveTeamMember", new { teamId = team.Id, userId });
        if (!removed.IsSuccess)
        {
            return await AgainAsync(removed.Problem, removed.Status, null);
        }

        return userId == Me ? Done("/tunnels", $"You left {team.Name}.") : Done("/team", "The member is removed from the team.");
    }

    private async Task<TeamChoice?> CurrentAsync() => Team = await Teams.CurrentAsync();

    private async Task<IActionResult> AgainAsync(ApiProblem? problem, int status, string? field)
    {
        Show(problem);
        if (field is not null && problem is { Errors.Count: 0 } refusal && status == StatusCodes.Status400BadRequest)
        {
            AddError(field, refusal.Message);
        }

        return await RefusedAsync(null, status);
    }

    protected override async Task LoadAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return;
        }

        TeamName ??= Team.Name;
        var members = await Api.SendAsync<List<MemberSummary>>(HttpContext, "ListTeamMembers", new { teamId = Team.Id });
        Members = members.Value ?? [];
        if (IsAdmin)
        {
            var invitations = await Api.SendAsync<List<InvitationSummary>>(HttpContext, "ListInvitations", new { teamId = Team.Id });
            Invitations = invitations.Value?.Where(i => i.Status == "pending").ToList() ?? [];
        }
    }
}
