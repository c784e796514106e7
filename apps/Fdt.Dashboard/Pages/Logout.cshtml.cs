using Fdt.Dashboard.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Fdt.Dashboard.Pages;

/// <summary>Signs out (POST only, with the antiforgery token; a GET just goes home).</summary>
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await ConsoleAuth.SignOutAsync(HttpContext);
        return Redirect("/login");
    }
}
