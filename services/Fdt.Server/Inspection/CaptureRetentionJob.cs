using Fdt.Api.Inspection;
using Fdt.Data;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Fdt.Server.Inspection;

/// <summary>
/// The workers role's retention job: deletes captured exchanges (rows and stored bodies) older
/// than their team's retention (<c>InspectionRetentionDays</c>, 3 by default), in batches.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class CaptureRetentionJob(IDbContextFactory<FdtDbContext> factory, IPayloadStore store, TimeProvider time, Fdt.Observability.Jobs.JobMetrics metrics, ILogger<CaptureRetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("capture-retention", "inspection");

    private const int BatchSize = 500;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var deleted = 0;
        await metrics.RunAsync("capture_retention", async ct => deleted = await RunAsync(ct), cancellationToken);
        if (deleted > 0)
        {
            Log.Deleted(logger, deleted);
        }
    }

    /// <summary>Deletes every expired capture; returns how many.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var teams = await db.Teams.Select(t => new { t.Id, t.InspectionRetentionDays }).ToListAsync(cancellationToken);
        var total = 0;
        foreach (var team in teams)
        {
            var cutoff = now.AddDays(-Math.Max(1, team.InspectionRetentionDays));
            while (true)
            {
                var expired = await db.CapturedRequests.Where(r => r.TeamId == team.Id && r.ReceivedAt < cutoff)
                    .OrderBy(r => r.ReceivedAt).Take(BatchSize)
                    .Select(r => new { r.Id, r.RequestBodyKey, r.ResponseBodyKey }).ToListAsync(cancellationToken);
                if (expired.Count == 0)
                {
                    break;
                }

                // Bodies first: a row whose body is gone reads as "missing"; a body without a row would leak.
                var keys = expired.SelectMany(e => new[] { e.RequestBodyKey, e.ResponseBodyKey }).OfType<string>().ToList();
                if (keys.Count > 0)
                {
                    await store.DeleteAsync(keys, cancellationToken);
                }

                var ids = expired.Select(e => e.Id).ToList();
                total += await db.CapturedRequests.Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
                if (expired.Count < BatchSize)
                {
                    break;
                }
            }
        }

        return total;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Inspector retention: deleted {Count} expired captures")]
        public static partial void Deleted(ILogger logger, int count);
    }
}
