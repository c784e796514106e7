using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages;

/// <summary>The team switcher: remembers the chosen team (only one the person belongs to).</summary>
public sealed class SwitchTeamModel : ConsolePageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(Guid teamId, string? returnUrl)
    {
        var teams = await Teams.TeamsAsync();
        if (teams.All(t => t.Id != teamId))
        {
            return NotFound();
        }

        TeamContext.Choose(Response, teamId);
        return Redirect(SafeReturnUrl(returnUrl));
    }
}
