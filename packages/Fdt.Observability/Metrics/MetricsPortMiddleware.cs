using Fdt.Observability.Health;
using Microsoft.AspNetCore.Http;

namespace Fdt.Observability.Metrics;

/// <summary>
/// With a separate metrics port: requests that arrive on it get <c>/metrics</c>, <c>/healthz</c>
/// and <c>/readyz</c> and nothing else (never a tunnel, the API or a page); <c>/metrics</c> is not
/// served on any other port.
/// </summary>
internal sealed class MetricsPortMiddleware(RequestDelegate next, Func<int?> metricsPort)
{
    public Task InvokeAsync(HttpContext context)
    {
        var port = metricsPort();
        var path = context.Request.Path;
        if (port is null)
        {
            return next(context);
        }

        if (context.Connection.LocalPort != port)
        {
            if (path.Equals(MetricsEndpoint.Path, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return Task.CompletedTask;
        }

        if (path.Equals(MetricsEndpoint.Path, StringComparison.OrdinalIgnoreCase))
        {
            return MetricsEndpoint.WriteAsync(context);
        }

        if (path.Equals(HealthEndpoints.LivenessPath, StringComparison.OrdinalIgnoreCase))
        {
            return HealthEndpoints.LiveAsync(context);
        }

        if (path.Equals(HealthEndpoints.ReadinessPath, StringComparison.OrdinalIgnoreCase))
        {
            return HealthEndpoints.ReadyAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
