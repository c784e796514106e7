using Fdt.Api.Auth;
using Fdt.Api.Invitations;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Pages.Join;

/// <summary>
/// An invitation link: what it grants, then join (signed in) or create the account and join
/// (anonymous). The link's token is checked by the API on every step.
/// </summary>
public sealed class IndexModel(FdtDbContext db, ConsoleRateLimit rateLimit) : ConsolePageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public InvitationPreview? Invitation { get; private set; }

    public bool IsSignedIn { get; private set; }

    public string Token { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(string token)
    {
        if (!await PreviewAsync(token))
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        Email ??= Invitation?.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostJoinAsync(string token)
    {
        if (!await PreviewAsync(token) || !IsSignedIn)
        {
            return Page();
        }

        var joined = await Api.SendAsync<JoinedTeam>(HttpContext, "AcceptInvitation", new { token });
        if (!joined.IsSuccess)
        {
            Show(joined.Problem);
            Response.StatusCode = joined.Status;
            return Page();
        }

        TeamContext.Choose(Response, joined.Value!.TeamId);
        return Done("/tunnels", $"Welcome to {Invitation!.TeamName}.");
    }

    public async Task<IActionResult> OnPostCreateAsync(string token)
    {
        if (!await PreviewAsync(token))
        {
            return Page();
        }

        if (IsSignedIn)
        {
            return await OnPostJoinAsync(token);
        }

        if (!rateLimit.TryAcquire(HttpContext))
        {
            Problem = "Too many attempts from your address. Wait a minute and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var created = await Api.SendAsync<SessionResponse>(HttpContext, "AcceptInvitation", new { token }, new NewAccountRequest(Email, DisplayName, Password));
        if (!created.IsSuccess)
        {
            Show(created.Problem);
            Response.StatusCode = created.Status;
            Password = null;
            return Page();
        }

        var email = Email!.Trim().ToLowerInvariant();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email, HttpContext.RequestAborted);
        await ConsoleAuth.SignInAsync(HttpContext, user);
        var teamId = await db.Memberships.Where(m => m.UserId == user.Id).Select(m => m.TeamId).FirstAsync(HttpContext.RequestAborted);
        TeamContext.Choose(Response, teamId);
        return Done("/tunnels", $"Welcome to {Invitation!.TeamName}. Create an authtoken to connect an agent.");
    }

    private async Task<bool> PreviewAsync(string token)
    {
        Token = token;
        IsSignedIn = await SignedInAsync();
        var preview = await Api.SendAsync<InvitationPreview>(HttpContext, "GetInvitationByToken", new { token });
        Invitation = preview.Value;
        if (!preview.IsSuccess)
        {
            Problem = "This invitation link is not valid: it may have expired, been used or revoked. Ask the team for a new one.";
        }

        return preview.IsSuccess;
    }
}
