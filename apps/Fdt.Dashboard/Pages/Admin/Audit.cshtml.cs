using Fdt.Api.Admin;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Admin;

/// <summary>The audit log: who did what, filtered by actor, action and team, newest first.</summary>
public sealed class AuditModel : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? TeamId { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public AdminEndpoints.AuditPage Events { get; private set; } = new([], null, true, null);

    public string Query(long? before) => QueryString.Create(new Dictionary<string, string?>
    {
        ["actor"] = Actor,
        ["action"] = Action,
        ["teamId"] = TeamId?.ToString("D"),
        ["before"] = before?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToString();

    public async Task<IActionResult> OnGetAsync()
    {
        var events = await Api.SendAsync<AdminEndpoints.AuditPage>(HttpContext, "AdminListAudit", query: new Dictionary<string, string?>
        {
            ["actor"] = Actor,
            ["action"] = Action,
            ["teamId"] = TeamId?.ToString("D"),
            ["before"] = Before?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Show(events.Problem);
        Events = events.Value ?? Events;
        return Page();
    }
}
