using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Fdt.Observability.Health;

/// <summary>
/// Ready once the host has started (every hosted service, the listeners bound), and no longer
/// once it is stopping, so that a load balancer stops sending traffic during a drain.
/// </summary>
internal sealed class StartedHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Name = "listeners";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("The server is stopping.")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy("Listeners started.")
            : HealthCheckResult.Unhealthy("The server is still starting.");
        return Task.FromResult(result);
    }
}
