using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Diagnostics;

/// <summary>Times requests to the server's own endpoints and counts them by route template and status.</summary>
internal sealed class ApiRequestMetricsMiddleware(RequestDelegate next, ApiMetrics metrics)
{
    public Task InvokeAsync(HttpContext context) => metrics.RequestsEnabled ? MeasureAsync(context) : next(context);

    private static string Route(HttpContext context)
        => (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { Length: > 0 } template
            ? (template[0] == '/' ? template : "/" + template)
            : ApiMetrics.UnmatchedRoute;

    private async Task MeasureAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch
        {
            metrics.RequestCompleted(Route(context), context.Request.Method, context.Response.HasStarted ? context.Response.StatusCode : StatusCodes.Status500InternalServerError, Stopwatch.GetElapsedTime(start).TotalSeconds);
            throw;
        }

        metrics.RequestCompleted(Route(context), context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
}
