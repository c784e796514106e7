using Fdt.Api.Admin;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Admin;

/// <summary>Reserved names of every team, and the domains served with uploaded certificates.</summary>
public sealed class NamesModel : ConsolePageModel
{
    public AdminEndpoints.NamesView Names { get; private set; } = new([], []);

    public async Task<IActionResult> OnGetAsync()
    {
        var names = await Api.SendAsync<AdminEndpoints.NamesView>(HttpContext, "AdminListNames");
        Show(names.Problem);
        Names = names.Value ?? new([], []);
        return Page();
    }
}
