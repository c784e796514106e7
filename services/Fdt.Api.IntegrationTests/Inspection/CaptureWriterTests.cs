using System.Text;
using Fdt.Api.Inspection;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Edge.Inspection;
using Fdt.Server.Inspection;
using Fdt.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.IntegrationTests.Inspection;

/// <summary>A slow or failing payload store never holds the tunnel up: captures are dropped or marked, not waited for.</summary>
public sealed class CaptureWriterTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StalledStore_DropsWhatTheQueueCannotHold_WithoutBlockingTheEdge()
    {
        await using var factory = IdentityApi.CreateFactory(("Inspection:QueueCapacity", "2"));
        var store = new GatedStore();
        await using var derived = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IPayloadStore>(store)));
        var teamId = await IdentityApi.AddTeamAsync(derived, "Team");
        var writer = derived.Services.GetRequiredService<CaptureWriter>();

        var first = Capture(teamId);
        writer.Submit(first);
        await store.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);

        // The writer is stuck in the store: two more fit in the queue, the rest are dropped at once.
        for (var i = 0; i < 10; i++)
        {
            writer.Submit(Capture(teamId));
        }

        Assert.Equal(8, writer.DroppedCount);
        store.Release.SetResult();
        await Eventually.TrueAsync(() => IdentityApi.DbAsync(derived, db => db.CapturedRequests.CountAsync(Cancel)).ContinueWith(t => t.Result == 3, TaskScheduler.Default), "the queued captures were not stored", TimeSpan.FromSeconds(10), Cancel);
    }

    [Fact]
    public async Task FailingStore_StoresTheExchangeMarkedAsMissingItsBodies()
    {
        await using var factory = IdentityApi.CreateFactory();
        await using var derived = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IPayloadStore>(new FailingStore())));
        var teamId = await IdentityApi.AddTeamAsync(derived, "Team");
        var capture = Capture(teamId);

        derived.Services.GetRequiredService<ICaptureSink>().Submit(capture);

        await Eventually.TrueAsync(() => IdentityApi.DbAsync(derived, db => db.CapturedRequests.AnyAsync(r => r.Id == capture.Id && r.BodiesMissing && r.RequestBodyKey == null, Cancel)), "no row marked missing", TimeSpan.FromSeconds(10), Cancel);
    }

    private static ExchangeCapture Capture(Guid teamId)
    {
        var capture = new ExchangeCapture
        {
            Id = Guid.CreateVersion7(),
            TunnelId = "t1",
            TunnelName = "shop",
            OwnerId = teamId.ToString("D"),
            Method = "POST",
            Target = "/",
            Host = "shop.localhost",
            Scheme = "http",
            ReceivedAt = DateTimeOffset.UtcNow,
            RequestHeaders = [],
            RequestBody = new CaptureBuffer(1024),
            ResponseBody = new CaptureBuffer(1024),
            Status = 200,
        };
        capture.RequestBody.Append(Encoding.UTF8.GetBytes("body"));
        return capture;
    }

    private sealed class GatedStore : IPayloadStore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => "gated";

        public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }

        public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);

        public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FailingStore : IPayloadStore
    {
        public string Kind => "failing";

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => throw new IOException("disk full");

        public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);

        public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
