using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Observability.Metrics;

/// <summary>Serves <c>/metrics</c>: the <see cref="MetricsCollector"/>'s exposition text.</summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = context.RequestServices.GetRequiredService<MetricsCollector>().Collect();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = MetricsCollector.ContentType;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
