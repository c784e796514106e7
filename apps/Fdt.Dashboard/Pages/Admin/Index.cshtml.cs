using Fdt.Api.Admin;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Pages.Admin;

/// <summary>The operations panel's overview: how much is running, what needs a look.</summary>
public sealed class IndexModel(FdtDbContext db) : ConsolePageModel
{
    public int Users { get; private set; }

    public int DisabledUsers { get; private set; }

    public int TeamCount { get; private set; }

    public int Tunnels { get; private set; }

    public IReadOnlyList<AdminEndpoints.EdgeView> Edges { get; private set; } = [];

    public bool? AuditVerified { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var cancel = HttpContext.RequestAborted;
        Users = await db.Users.CountAsync(cancel);
        DisabledUsers = await db.Users.CountAsync(u => u.IsDisabled, cancel);
        TeamCount = await db.Teams.CountAsync(cancel);
        Tunnels = await db.TunnelSessions.CountAsync(t => t.EndedAt == null, cancel);
        Edges = (await Api.SendAsync<List<AdminEndpoints.EdgeView>>(HttpContext, "AdminListEdges")).Value ?? [];
        AuditVerified = (await Api.SendAsync<AdminEndpoints.AuditPage>(HttpContext, "AdminListAudit", query: [new("limit", "1")])).Value?.ChainVerified;
        return Page();
    }
}
