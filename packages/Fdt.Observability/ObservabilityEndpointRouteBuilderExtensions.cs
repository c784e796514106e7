using Fdt.Observability.Health;
using Fdt.Observability.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fdt.Observability;

/// <summary>Maps the observability endpoints.</summary>
public static class ObservabilityEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format 0.0.4).</summary>
    public static IEndpointConventionBuilder MapFdtMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet(MetricsEndpoint.Path, MetricsEndpoint.WriteAsync).ExcludeFromDescription();
    }

    /// <summary>Maps <c>GET /healthz</c> (liveness) and <c>GET /readyz</c> (readiness).</summary>
    public static IEndpointRouteBuilder MapFdtHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(HealthEndpoints.LivenessPath, HealthEndpoints.LiveAsync).ExcludeFromDescription();
        endpoints.MapGet(HealthEndpoints.ReadinessPath, HealthEndpoints.ReadyAsync).ExcludeFromDescription();
        return endpoints;
    }
}
