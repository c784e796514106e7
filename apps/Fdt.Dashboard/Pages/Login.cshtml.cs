using Fdt.Api.Auth;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Pages;

/// <summary>Sign-in with email and password (the API's lockout, audit and limits apply).</summary>
public sealed class LoginModel(FdtDbContext db, ConsoleRateLimit rateLimit) : ConsolePageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await db.Users.AnyAsync(HttpContext.RequestAborted))
        {
            return Redirect("/setup");
        }

        return await SignedInAsync() ? Redirect(SafeReturnUrl(ReturnUrl)) : Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!rateLimit.TryAcquire(HttpContext))
        {
            Problem = "Too many sign-in attempts from your address. Wait a minute and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = "60";
            return Page();
        }

        var input = new InputValidation();
        var email = input.Email("email", Email);
        var password = input.GivenPassword("password", Password);
        if (input.HasErrors)
        {
            Show(new ApiProblem("The request is not valid.", null, input.Errors));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var services = IdentityServices();
        var (user, refused) = await AuthEndpoints.CheckCredentialsAsync(services, email, password);
        if (refused is not null)
        {
            Problem = refused.ProblemDetails.Detail ?? refused.ProblemDetails.Title;
            Response.StatusCode = refused.StatusCode;
            Password = null;
            return Page();
        }

        await ConsoleAuth.SignInAsync(HttpContext, user!);
        await services.Audit.SaveWithAuditAsync(db, services.Record("auth.login", user!.Id, targetType: "user", targetId: user.Id.ToString("D"), details: """{"via":"console"}"""), HttpContext.RequestAborted);
        return Redirect(SafeReturnUrl(ReturnUrl));
    }
}
