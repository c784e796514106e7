using Microsoft.Extensions.Hosting;

namespace Fdt.Observability.Metrics;

/// <summary>Starts the collector with the host, so measurements before the first scrape count too.</summary>
internal sealed class MetricsCollectorStarter(MetricsCollector collector) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        collector.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
