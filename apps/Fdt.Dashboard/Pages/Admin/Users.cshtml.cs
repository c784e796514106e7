using Fdt.Api.Admin;
using Fdt.Api.Security;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Admin;

/// <summary>Every user: search, disable or enable, make or unmake operator, reset sessions.</summary>
public sealed class UsersModel : ConsolePageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Offset { get; set; }

    public AdminEndpoints.UserPage Users { get; private set; } = new([], 0);

    public Guid? Me => User.GetUserId();

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostDisableAsync(Guid id) => UpdateAsync(id, new AdminEndpoints.UserUpdate(true, null), "The user is disabled and signed out everywhere.");

    public Task<IActionResult> OnPostEnableAsync(Guid id) => UpdateAsync(id, new AdminEndpoints.UserUpdate(false, null), "The user is enabled.");

    public Task<IActionResult> OnPostPromoteAsync(Guid id) => UpdateAsync(id, new AdminEndpoints.UserUpdate(null, true), "The user is now an operator.");

    public Task<IActionResult> OnPostDemoteAsync(Guid id) => UpdateAsync(id, new AdminEndpoints.UserUpdate(null, false), "The user is no longer an operator.");

    public async Task<IActionResult> OnPostResetSessionsAsync(Guid id)
    {
        var reset = await Api.SendAsync(HttpContext, "AdminResetSessions", new { userId = id });
        return await AfterAsync(reset.Problem, reset.Status, "Every session of the user has ended.");
    }

    private async Task<IActionResult> UpdateAsync(Guid id, AdminEndpoints.UserUpdate update, string done)
    {
        var updated = await Api.SendAsync<AdminEndpoints.UserView>(HttpContext, "AdminUpdateUser", new { userId = id }, update);
        return await AfterAsync(updated.Problem, updated.Status, done);
    }

    private async Task<IActionResult> AfterAsync(ApiProblem? problem, int status, string done)
    {
        if (problem is null)
        {
            return Done($"/admin/users{QueryString.Create(new Dictionary<string, string?> { ["q"] = Q }.Where(p => !string.IsNullOrEmpty(p.Value)))}", done);
        }

        return await RefusedAsync(problem, status);
    }

    protected override async Task LoadAsync()
    {
        var page = await Api.SendAsync<AdminEndpoints.UserPage>(HttpContext, "AdminListUsers", query: new Dictionary<string, string?>
        {
            ["q"] = Q,
            ["offset"] = Math.Max(0, Offset).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["limit"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (Problem is null)
        {
            Show(page.Problem);
        }

        Users = page.Value ?? new([], 0);
    }
}
