using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fdt.Server.ControlPlane;

/// <summary>Readiness of an edge that runs with the control plane: registered, and its last poll of the database succeeded.</summary>
internal sealed class ControlPlaneHealthCheck(EdgeBridge bridge) : IHealthCheck
{
    public const string Name = "control_plane";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = !bridge.IsRegistered ? HealthCheckResult.Unhealthy("The edge has not registered with the control plane yet.")
            : !bridge.LastPollSucceeded ? HealthCheckResult.Unhealthy("The edge's last poll of the control plane failed.")
            : HealthCheckResult.Healthy($"Registered as edge node {bridge.EdgeNodeId}.");
        return Task.FromResult(result);
    }
}
