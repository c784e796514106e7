using Microsoft.AspNetCore.Mvc.Filters;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>
/// Headers on every console page: a strict Content-Security-Policy (scripts and styles only from
/// this server, no inline code, no framing), no MIME sniffing, no referrer to other sites, and no
/// caching of pages that show a team's data.
/// </summary>
public sealed class SecurityHeaders : IAsyncPageFilter
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
    }

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        Apply(context.HttpContext.Response);
        return next();
    }
}
