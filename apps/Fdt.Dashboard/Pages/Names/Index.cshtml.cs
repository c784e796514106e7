using System.Globalization;
using Fdt.Api.ReservedNames;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages.Names;

/// <summary>
/// The team's reserved names and TCP addresses. A TCP address is reserved as the name of its
/// tunnel, <c>tcp-PORT</c> (see docs/api-agents.md), so both are reservations of the same kind.
/// </summary>
public sealed class IndexModel : ConsolePageModel
{
    private const string TcpPrefix = "tcp-";

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Port { get; set; }

    public TeamChoice? Team { get; private set; }

    public IReadOnlyList<ReservedNamesEndpoints.ReservedNameView> Names { get; private set; } = [];

    public IReadOnlyList<(ReservedNamesEndpoints.ReservedNameView Reservation, int Port)> TcpAddresses { get; private set; } = [];

    public bool CanManage => Team?.Role >= TeamRole.Admin;

    /// <summary>The public host of this server (for example URLs).</summary>
    public string Host => Request.Host.Host;

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostReserveAsync() => ReserveAsync(Name, "name", "The name is reserved for your team.");

    public Task<IActionResult> OnPostReservePortAsync()
    {
        if (!int.TryParse(Port, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            AddError("port", "A port number from 1 to 65535 (one of the server's TCP ports).");
            Problem = "Please correct the fields below.";
            return RefusedAsync(null, StatusCodes.Status400BadRequest);
        }

        return ReserveAsync(TcpPrefix + port.ToString(CultureInfo.InvariantCulture), "port", "The TCP address is reserved for your team.");
    }

    public async Task<IActionResult> OnPostReleaseAsync(Guid id)
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return NotFound();
        }

        var released = await Api.SendAsync(HttpContext, "ReleaseName", new { teamId = Team.Id, reservationId = id });
        if (!released.IsSuccess)
        {
            return await RefusedAsync(released.Problem, released.Status);
        }

        return Done("/names", "Released: any team can use it now.");
    }

    private async Task<IActionResult> ReserveAsync(string? name, string field, string done)
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return NotFound();
        }

        var reserved = await Api.SendAsync<ReservedNamesEndpoints.ReservedNameView>(HttpContext, "ReserveName", new { teamId = Team.Id }, new ReservedNamesEndpoints.ReserveRequest(name));
        if (reserved.IsSuccess)
        {
            return Done("/names", done);
        }

        Show(reserved.Problem);
        if (reserved.Problem is { Errors.Count: 0 } problem)
        {
            // A refusal without field errors (taken, not allowed) still belongs next to the field.
            AddError(field, problem.Message);
        }
        else if (field == "port" && ErrorFor("name") is { } message)
        {
            AddError("port", message);
        }

        return await RefusedAsync(null, reserved.Status);
    }

    protected override async Task LoadAsync()
    {
        Team = await Teams.CurrentAsync();
        if (Team is null)
        {
            return;
        }

        var list = await Api.SendAsync<List<ReservedNamesEndpoints.ReservedNameView>>(HttpContext, "ListReservedNames", new { teamId = Team.Id });
        if (Problem is null)
        {
            Show(list.Problem);
        }

        var all = list.Value ?? [];
        TcpAddresses = [.. all.Select(r => (r, Port: r.Name.StartsWith(TcpPrefix, StringComparison.Ordinal) && int.TryParse(r.Name.AsSpan(TcpPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0))
            .Where(x => x.Port > 0)];
        Names = [.. all.Where(r => TcpAddresses.All(t => t.Reservation.Id != r.Id))];
    }
}
