using Fdt.Api.Auth;
using Fdt.Api.Security;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Pages;

/// <summary>
/// The person's name and password. Changing the password ends every session of the account (the
/// API changes the security stamp); this browser is signed in again with the new stamp.
/// </summary>
public sealed class ProfileModel(FdtDbContext db, ConsoleRateLimit rateLimit) : ConsolePageModel
{
    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    public MeResponse? Me { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        DisplayName = Me?.DisplayName;
        return Page();
    }

    public async Task<IActionResult> OnPostNameAsync()
    {
        var updated = await Api.SendAsync<MeResponse>(HttpContext, "UpdateMe", body: new ProfileRequest(DisplayName));
        if (!updated.IsSuccess)
        {
            Show(updated.Problem);
            Response.StatusCode = updated.Status;
            await LoadAsync();
            return Page();
        }

        // The name shown in the top bar comes from the session.
        await SignInAgainAsync();
        return Done("/profile", "Your name is changed.");
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (!rateLimit.TryAcquire(HttpContext))
        {
            Problem = "Too many attempts from your address. Wait a minute and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await LoadAsync();
            return Page();
        }

        var changed = await Api.SendAsync(HttpContext, "ChangePassword", body: new ChangePasswordRequest(CurrentPassword, NewPassword));
        if (!changed.IsSuccess)
        {
            Show(changed.Problem);
            Response.StatusCode = changed.Status;
            await LoadAsync();
            DisplayName = Me?.DisplayName;
            return Page();
        }

        await SignInAgainAsync();
        return Done("/profile", "Your password is changed. Every other session of your account has ended.");
    }

    private async Task SignInAgainAsync()
    {
        var userId = User.RequireUserId();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, HttpContext.RequestAborted);
        await ConsoleAuth.SignInAsync(HttpContext, user);
    }

    protected override async Task LoadAsync() => Me = (await Api.SendAsync<MeResponse>(HttpContext, "GetMe")).Value;
}
