using Fdt.Api.Auth;
using Fdt.Api.Setup;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Pages;

/// <summary>First run: creates the operator (and their team) while no account exists, then signs them in.</summary>
public sealed class SetupModel(FdtDbContext db, ConsoleRateLimit rateLimit) : ConsolePageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public async Task<IActionResult> OnGetAsync()
        => await db.Users.AnyAsync(HttpContext.RequestAborted) ? Redirect("/login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await db.Users.AnyAsync(HttpContext.RequestAborted))
        {
            return Redirect("/login");
        }

        if (!rateLimit.TryAcquire(HttpContext))
        {
            Problem = "Too many attempts from your address. Wait a minute and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var input = new InputValidation();
        var email = input.Email("email", Email);
        var displayName = input.DisplayName("displayName", DisplayName);
        var password = input.NewPassword("password", Password);
        if (input.HasErrors)
        {
            Show(new ApiProblem("The request is not valid.", null, input.Errors));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Password = null;
            return Page();
        }

        var (created, _) = await SetupEndpoints.CreateOperatorAsync(IdentityServices(), email, displayName, password, startSession: false);
        if (!created)
        {
            return Redirect("/login");
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email, HttpContext.RequestAborted);
        await ConsoleAuth.SignInAsync(HttpContext, user);
        return Done("/tunnels", "Your operator account and your first team are ready. Create an authtoken to connect an agent.");
    }
}
