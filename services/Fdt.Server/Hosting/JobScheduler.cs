using Quartz;

namespace Fdt.Server.Hosting;

/// <summary>
/// Runs the workers' Quartz scheduler for the host's lifetime, in place of Quartz's own hosted
/// service. That one resolves the scheduler from the service provider when it stops, which throws
/// when the host is stopped twice at once and disposed in between (WebApplicationFactory and the
/// program's own RunAsync). This one takes the scheduler when it starts, stops it once whoever
/// asks, and lets running jobs finish before it returns.
/// </summary>
internal sealed class JobScheduler(ISchedulerFactory factory) : IHostedService, IDisposable
{
    private readonly SingleStop _stopping = new();
    private IScheduler? _scheduler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        await scheduler.Start(cancellationToken);
        Volatile.Write(ref _scheduler, scheduler);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stopping.RunAsync(async () =>
    {
        if (Volatile.Read(ref _scheduler) is { } scheduler)
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    });

    public void Dispose() => _stopping.WaitBeforeDispose(TimeSpan.FromSeconds(15));
}
