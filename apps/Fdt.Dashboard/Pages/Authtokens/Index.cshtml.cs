using Fdt.Api.Authtokens;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Authtokens;

/// <summary>
/// The team's authtokens. A new token's secret is part of the answer to the post that created
/// it and nowhere else: not in the URL, a cookie or the next page.
/// </summary>
public sealed class IndexModel : ConsolePageModel
{
    [BindProperty]
    public string? Description { get; set; }

    public TeamChoice? Team { get; private set; }

    public IReadOnlyList<AuthtokensEndpoints.AuthtokenView> Tokens { get; private set; } = [];

    /// <summary>Set only in the answer to the post that created it.</summary>
    public AuthtokensEndpoints.Created? Created { get; private set; }

    public bool CanCreate => Team?.Role >= TeamRole.Member;

    public string ServerUrl => $"{Request.Scheme}://{Request.Host}";

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return NotFound();
        }

        var created = await Api.SendAsync<AuthtokensEndpoints.Created>(HttpContext, "CreateAuthtoken", new { teamId = Team.Id }, new AuthtokensEndpoints.CreateRequest(Description));
        if (created.IsSuccess)
        {
            Created = created.Value;
            Description = null;
        }
        else
        {
            Show(created.Problem);
            Response.StatusCode = created.Status;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id)
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return NotFound();
        }

        var revoked = await Api.SendAsync(HttpContext, "RevokeAuthtoken", new { teamId = Team.Id, authtokenId = id });
        if (!revoked.IsSuccess)
        {
            return await RefusedAsync(revoked.Problem, revoked.Status);
        }

        return Done("/authtokens", "The authtoken is revoked; agents using it are disconnected within seconds.");
    }

    protected override async Task LoadAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return;
        }

        var list = await Api.SendAsync<List<AuthtokensEndpoints.AuthtokenView>>(HttpContext, "ListAuthtokens", new { teamId = Team.Id });
        if (Problem is null)
        {
            Show(list.Problem);
        }

        Tokens = list.Value?.OrderBy(t => t.RevokedAt is not null).ThenByDescending(t => t.CreatedAt).ToList() ?? [];
    }
}
