using Fdt.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>
/// Base of the console's pages: the in-process API, the team shown, and helpers that turn an API
/// problem into the page's messages (field errors next to their inputs, the rest on top).
/// </summary>
public abstract class ConsolePageModel : PageModel
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Field errors by field name (as the API names them, camelCase).</summary>
    public IReadOnlyDictionary<string, string[]> Errors => _errors;

    /// <summary>A message for the whole form or page.</summary>
    public string? Problem { get; set; }

    protected ConsoleApi Api => HttpContext.RequestServices.GetRequiredService<ConsoleApi>();

    protected TeamContext Teams => HttpContext.RequestServices.GetRequiredService<TeamContext>();

    /// <summary>The first error for <paramref name="field"/>, or null.</summary>
    public string? ErrorFor(string field) => _errors.TryGetValue(field, out var messages) && messages.Length > 0 ? messages[0] : null;

    /// <summary>"true" when <paramref name="field"/> has an error (for aria-invalid), else null (attribute left out).</summary>
    public string? Invalid(string field) => ErrorFor(field) is null ? null : "true";

    /// <summary>Shows an API refusal: its field errors next to the inputs, its message on top.</summary>
    protected void Show(ApiProblem? problem)
    {
        if (problem is null)
        {
            return;
        }

        foreach (var (field, messages) in problem.Errors)
        {
            _errors[field] = messages;
        }

        Problem = problem.Errors.Count > 0 ? "Please correct the fields below." : problem.Message;
    }

    protected void AddError(string field, string message) => _errors[field] = [message];

    /// <summary>Loads what the page shows; called for its GET and again after a refused post.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>The page again after the API refused a post: its problem shown, its status kept, the data reloaded.</summary>
    protected async Task<IActionResult> RefusedAsync(ApiProblem? problem, int status)
    {
        Show(problem);
        Response.StatusCode = status;
        await LoadAsync();
        return Page();
    }

    /// <summary>The API's identity services for this request (sign-in, setup).</summary>
    internal IdentityServices IdentityServices() => ActivatorUtilities.CreateInstance<IdentityServices>(HttpContext.RequestServices, HttpContext);

    /// <summary>A redirect after a successful post, with a message shown on the next page.</summary>
    protected RedirectResult Done(string path, string message)
    {
        TempData["Flash"] = message;
        return Redirect(path);
    }

    /// <summary>
    /// On pages open to anonymous visitors: the console session when there is one (the request's
    /// user is set to it), else false.
    /// </summary>
    protected async Task<bool> SignedInAsync()
    {
        if (User.Identity?.AuthenticationType == ConsoleAuth.Scheme)
        {
            return true;
        }

        var session = await HttpContext.AuthenticateAsync(ConsoleAuth.Scheme);
        if (session.Succeeded)
        {
            HttpContext.User = session.Principal;
        }

        return session.Succeeded;
    }

    /// <summary>Only paths on this site: anything else goes home.</summary>
    protected string SafeReturnUrl(string? returnUrl, string fallback = "/tunnels")
        => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : fallback;
}
