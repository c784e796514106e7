using Fdt.Api.Device;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Mvc;

namespace Fdt.Dashboard.Pages;

/// <summary>
/// Approves a device login (<c>fdt login</c>): shows which device asks (its description and
/// address) and the code, lets the person pick the team the new authtoken belongs to, approve or deny.
/// </summary>
public sealed class ActivateModel : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    [BindProperty]
    public Guid TeamId { get; set; }

    public DeviceEndpoints.PendingDevice? Device { get; private set; }

    public IReadOnlyList<TeamChoice> EligibleTeams { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!string.IsNullOrWhiteSpace(Code))
        {
            await DescribeAsync();
        }

        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync() => DecideAsync(approve: true);

    public Task<IActionResult> OnPostDenyAsync() => DecideAsync(approve: false);

    private async Task<IActionResult> DecideAsync(bool approve)
    {
        if (!await DescribeAsync())
        {
            return Page();
        }

        var decided = await Api.SendAsync(HttpContext, "ApproveDeviceLogin", body: new DeviceEndpoints.ApproveRequest(Device!.UserCode, TeamId, approve));
        if (!decided.IsSuccess)
        {
            Show(decided.Problem);
            Response.StatusCode = decided.Status;
            return Page();
        }

        var team = EligibleTeams.FirstOrDefault(t => t.Id == TeamId)?.Name ?? "your team";
        return Done("/authtokens", approve
            ? $"Device approved: “{Device.ClientDescription}” now has an authtoken of {team}. Return to your terminal."
            : "Device denied: no authtoken was created.");
    }

    private async Task<bool> DescribeAsync()
    {
        EligibleTeams = [.. (await Teams.TeamsAsync()).Where(t => t.Role >= TeamRole.Member)];
        var code = (Code ?? string.Empty).Trim().ToUpperInvariant();
        var device = await Api.SendAsync<DeviceEndpoints.PendingDevice>(HttpContext, "DescribeDeviceLogin", new { userCode = code });
        if (!device.IsSuccess)
        {
            AddError("code", "No login is waiting for this code. It may have expired: run fdt login again.");
            Response.StatusCode = StatusCodes.Status404NotFound;
            return false;
        }

        Device = device.Value;
        return true;
    }
}
