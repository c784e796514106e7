using Fdt.Api.Admin;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Admin;

/// <summary>Edge nodes: version, address, heartbeat health and tunnels.</summary>
public sealed class EdgesModel : ConsolePageModel
{
    public IReadOnlyList<AdminEndpoints.EdgeView> Edges { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var edges = await Api.SendAsync<List<AdminEndpoints.EdgeView>>(HttpContext, "AdminListEdges");
        Show(edges.Problem);
        Edges = edges.Value ?? [];
        return Page();
    }
}
