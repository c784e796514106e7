using Fdt.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Fdt.Server.Tests.Hosting;

public sealed class JobSchedulerTests
{
    private static readonly JobKey Key = new("blocking");

    [Fact]
    public async Task StoppedAfterTheProviderIsDisposed_CompletesWithoutError()
    {
        // The order WebApplicationFactory and the program's own RunAsync can produce: the host is
        // disposed while a second stop is still to come.
        var gate = new BlockingJob.Gate();
        gate.Release.SetResult();
        var provider = Build(gate);
        var service = provider.GetServices<IHostedService>().OfType<JobScheduler>().Single();
        await service.StartAsync(TestContext.Current.CancellationToken);
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);

        await service.StopAsync(TestContext.Current.CancellationToken);
        await provider.DisposeAsync();
        await service.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(SchedulerStatus.Shutdown, await scheduler.GetStatus(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task StoppedTwiceAtOnce_BothWaitForTheRunningJobThenTheSchedulerIsShutDown()
    {
        var gate = new BlockingJob.Gate();
        await using var provider = Build(gate);
        var service = provider.GetServices<IHostedService>().OfType<JobScheduler>().Single();
        await service.StartAsync(TestContext.Current.CancellationToken);
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);
        await gate.Running.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var first = service.StopAsync(TestContext.Current.CancellationToken);
        var second = service.StopAsync(TestContext.Current.CancellationToken);
        var disposing = Task.Run(((IDisposable)service).Dispose, TestContext.Current.CancellationToken);

        // Both stops (and the disposal) wait for the job that is running.
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        gate.Release.SetResult();
        await Task.WhenAll(first, second, disposing).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(SchedulerStatus.Shutdown, await scheduler.GetStatus(TestContext.Current.CancellationToken));
        Assert.Equal(1, gate.Completed);
    }

    private static ServiceProvider Build(BlockingJob.Gate gate)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(gate);
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<BlockingJob>(job => job.WithIdentity(Key));
            quartz.AddTrigger(trigger => trigger.ForJob(Key).StartNow());
        });
        services.AddHostedService<JobScheduler>();
        return services.BuildServiceProvider();
    }

    private sealed class BlockingJob(BlockingJob.Gate gate) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            gate.Running.TrySetResult();
            await gate.Release.Task;
            Interlocked.Increment(ref gate.Completed);
        }

        public sealed class Gate
        {
            public int Completed;

            public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
