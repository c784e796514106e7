using Fdt.Api.Admin;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Admin;

/// <summary>Every live tunnel on every edge, updated live; an operator can stop any of them.</summary>
public sealed class TunnelsModel : ConsolePageModel
{
    public IReadOnlyList<AdminEndpoints.AdminTunnelView> Tunnels { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnGetListAsync()
    {
        await LoadAsync();
        return Partial("_AdminTunnelList", this);
    }

    public async Task<IActionResult> OnPostStopAsync(string id)
    {
        var stopped = await Api.SendAsync(HttpContext, "AdminStopTunnel", new { tunnelId = id });
        if (!stopped.IsSuccess)
        {
            return await RefusedAsync(stopped.Problem, stopped.Status);
        }

        return Done("/admin/tunnels", "The tunnel is stopping; its agent is told an operator stopped it.");
    }

    protected override async Task LoadAsync()
    {
        var list = await Api.SendAsync<List<AdminEndpoints.AdminTunnelView>>(HttpContext, "AdminListTunnels");
        if (Problem is null)
        {
            Show(list.Problem);
        }

        Tunnels = list.Value ?? [];
    }
}
