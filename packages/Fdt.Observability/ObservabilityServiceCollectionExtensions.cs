using System.Diagnostics.Metrics;
using Fdt.Observability.Health;
using Fdt.Observability.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Fdt.Observability;

/// <summary>Registers metrics collection and health checks.</summary>
public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="MetricsCollector"/> (started with the host) and the health-check
    /// service with the <c>listeners</c> readiness check. Components add their own readiness
    /// checks with <c>AddHealthChecks().AddCheck(..., tags: [HealthTags.Ready])</c>.
    /// </summary>
    public static IHostApplicationBuilder AddFdtObservability(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMetrics();
        services.TryAddSingleton(new MetricsCollectorOptions());
        services.TryAddSingleton(sp => new MetricsCollector(sp.GetRequiredService<MetricsCollectorOptions>(), sp.GetService<IMeterFactory>()));
        services.AddHostedService<MetricsCollectorStarter>();
        services.AddHealthChecks().AddCheck<StartedHealthCheck>(StartedHealthCheck.Name, tags: [HealthTags.Ready]);
        return builder;
    }
}
