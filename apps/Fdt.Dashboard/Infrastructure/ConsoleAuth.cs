using System.Security.Claims;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>
/// The console's sign-in: an encrypted, HttpOnly, SameSite=Lax cookie (Secure over HTTPS, or always
/// with <c>Console:SecureCookies</c>) carrying the same claims as an API access token (<c>sub</c>,
/// <c>op</c>, <c>stamp</c>), so the API's checks apply unchanged. Every request re-checks the user:
/// a disabled account or a changed security stamp (password change, "reset sessions") ends the
/// cookie session at once.
/// </summary>
public static class ConsoleAuth
{
    public const string Scheme = "fdt-console";

    /// <summary>Signed-in people.</summary>
    public const string MemberPolicy = "console";

    /// <summary>Signed-in operators (the /admin panel).</summary>
    public const string OperatorPolicy = "console-operator";

    public const string CookieName = "fdt_console";

    public const string DisplayNameClaim = "name";

    public const string EmailClaim = "email";

    public static async Task SignInAsync(HttpContext context, User user)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        var identity = new ClaimsIdentity(
            [
                new Claim("sub", user.Id.ToString("D")),
                new Claim(DisplayNameClaim, user.DisplayName),
                new Claim(EmailClaim, user.Email),
                new Claim(FdtClaims.Operator, user.IsOperator ? "true" : "false"),
                new Claim(FdtClaims.SecurityStamp, user.SecurityStamp),
            ],
            Scheme,
            DisplayNameClaim,
            roleType: null);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    internal static void Configure(CookieAuthenticationOptions options, bool alwaysSecure)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = alwaysSecure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        options.Cookie.Path = "/";
        options.ExpireTimeSpan = TimeSpan.FromHours(12);
        options.SlidingExpiration = true;
        options.LoginPath = "/login";
        options.LogoutPath = "/logout";
        options.ReturnUrlParameter = "returnUrl";
        options.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = ValidateAsync,

            // Signed in without the right (a non-operator on /admin): 403 with a page, not a redirect.
            OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return ConsolePages.WriteForbiddenAsync(context.HttpContext);
            },

            // Live-update and fragment requests (htmx) get 401 instead of a login page to swap in.
            OnRedirectToLogin = context =>
            {
                if (context.Request.Headers.ContainsKey("HX-Request") || context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers["HX-Redirect"] = "/login";
                    return Task.CompletedTask;
                }

                context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            },
        };
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var userId = principal?.GetUserId();
        var stamp = principal?.FindFirstValue(FdtClaims.SecurityStamp);
        var db = context.HttpContext.RequestServices.GetRequiredService<FdtDbContext>();
        var user = userId is null ? null : await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.SecurityStamp, u.IsDisabled, u.IsOperator })
            .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
        if (user is null || user.IsDisabled || user.SecurityStamp != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        // An operator flag changed by another operator applies at once (the stamp is kept).
        if (principal!.IsOperator() != user.IsOperator)
        {
            var identity = (ClaimsIdentity)principal!.Identity!;
            if (identity.FindFirst(FdtClaims.Operator) is { } old)
            {
                identity.RemoveClaim(old);
            }

            identity.AddClaim(new Claim(FdtClaims.Operator, user.IsOperator ? "true" : "false"));
            context.ShouldRenew = true;
        }
    }
}
