using Fdt.Observability.Metrics;
using Microsoft.AspNetCore.Builder;

namespace Fdt.Observability;

/// <summary>Adds observability middleware to the request pipeline.</summary>
public static class ObservabilityApplicationBuilderExtensions
{
    /// <summary>
    /// Serves <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> alone on the metrics port (put it
    /// first in the pipeline), and refuses <c>/metrics</c> on every other port.
    /// </summary>
    /// <param name="metricsPort">The bound metrics port; null when there is none (then the middleware does nothing), a negative number while it is not bound yet.</param>
    public static IApplicationBuilder UseFdtMetricsPort(this IApplicationBuilder app, Func<int?> metricsPort)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<MetricsPortMiddleware>(metricsPort);
    }
}
