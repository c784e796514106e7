using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Fdt.Dashboard.Pages;

/// <summary>The console's home is the tunnels page.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect("/tunnels");
}
