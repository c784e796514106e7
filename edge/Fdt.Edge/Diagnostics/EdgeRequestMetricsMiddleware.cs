using System.Diagnostics;
using Fdt.Edge.Errors;
using Fdt.Edge.Routing;
using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Diagnostics;

/// <summary>
/// Times visitor requests to tunnel hosts (forwarded ones and the edge's own error pages,
/// redirects and policy refusals alike) and counts them by status class. Requests to the server's
/// own endpoints pass through untouched.
/// </summary>
internal sealed class EdgeRequestMetricsMiddleware(RequestDelegate next, HostNameRouter router, EdgeMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!metrics.RequestsEnabled || !router.TryGetName(context.Request.Host.Value, out _))
        {
            return next(context);
        }

        return MeasureAsync(context);
    }

    private async Task MeasureAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch
        {
            // Kestrel answers 500 unless the response had started.
            metrics.RequestCompleted(context.Response.HasStarted ? context.Response.StatusCode : StatusCodes.Status500InternalServerError, edgeError: true, Stopwatch.GetElapsedTime(start).TotalSeconds);
            throw;
        }

        var edgeError = context.Response.Headers.ContainsKey(ErrorPageWriter.ErrorCodeHeader);
        metrics.RequestCompleted(context.Response.StatusCode, edgeError, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
}
