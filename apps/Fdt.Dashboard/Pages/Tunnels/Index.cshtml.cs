using Fdt.Api.Tunnels;
using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Tunnels;

/// <summary>The team's live tunnels, updated as they start, stop and carry traffic; each can be stopped.</summary>
public sealed class IndexModel : ConsolePageModel
{
    public TeamChoice? Team { get; private set; }

    public IReadOnlyList<TunnelView> Tunnels { get; private set; } = [];

    /// <summary>The address agents connect to (for the empty state's commands).</summary>
    public string ServerUrl => $"{Request.Scheme}://{Request.Host}";

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    /// <summary>The list alone, fetched again by htmx when the live stream says it changed.</summary>
    public async Task<IActionResult> OnGetListAsync()
    {
        await LoadAsync();
        return Partial("_TunnelList", this);
    }

    public async Task<IActionResult> OnPostStopAsync(string id)
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return NotFound();
        }

        var stopped = await Api.SendAsync(HttpContext, "StopTunnel", new { teamId = Team.Id, tunnelId = id });
        if (!stopped.IsSuccess)
        {
            return await RefusedAsync(stopped.Problem, stopped.Status);
        }

        return Done("/tunnels", "The tunnel is stopping; its agent has been told why.");
    }

    protected override async Task LoadAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return;
        }

        var list = await Api.SendAsync<List<TunnelView>>(HttpContext, "ListTunnels", new { teamId = Team.Id });
        Show(list.Problem);
        Tunnels = list.Value ?? [];
    }
}
