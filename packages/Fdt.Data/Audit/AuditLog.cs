using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Data.Audit;

/// <summary>
/// The hash-chained audit log. <see cref="SaveWithAuditAsync"/> saves a context's pending changes
/// and the event describing them in one transaction, so no state change lands without its event.
/// Appends are serialised (in-process, and with an advisory lock on PostgreSQL for several
/// processes), and each event's hash covers its fields and the previous event's hash.
/// </summary>
public sealed class AuditLog : IDisposable
{
    /// <summary>The "previous hash" of the first event.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private const long AdvisoryLockKey = 0x46_44_54_41_75_64_69_74; // "FDTAudit"

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;

    public AuditLog(TimeProvider time)
    {
        _time = time;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Saves the pending changes of <paramref name="db"/> together with an audit event.</summary>
    public async Task<AuditEvent> SaveWithAuditAsync(FdtDbContext db, AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(record);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
            }

            var previous = await db.AuditEvents.OrderByDescending(e => e.Id).Select(e => e.Hash).FirstOrDefaultAsync(cancellationToken) ?? Genesis;
            var now = _time.GetStoredUtcNow();
            var occurredAt = new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc); // microseconds, as PostgreSQL stores them
            var audit = new AuditEvent
            {
                OccurredAt = occurredAt,
                ActorKind = record.ActorKind,
                ActorUserId = record.ActorUserId,
                TeamId = record.TeamId,
                Action = record.Action,
                TargetType = record.TargetType,
                TargetId = record.TargetId,
                Details = record.Details,
                ClientAddress = record.ClientAddress,
                PreviousHash = previous,
                Hash = string.Empty,
            };
            audit.Hash = ComputeHash(audit);
            db.AuditEvents.Add(audit);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return audit;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Checks the whole chain; returns the id of the first event that does not verify, or null.</summary>
    public static async Task<long?> VerifyAsync(FdtDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var previous = Genesis;
        await foreach (var audit in db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (audit.PreviousHash != previous || audit.Hash != ComputeHash(audit))
            {
                return audit.Id;
            }

            previous = audit.Hash;
        }

        return null;
    }

    /// <summary>SHA-256 (hex) over the event's fields and the previous hash.</summary>
    public static string ComputeHash(AuditEvent audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var canonical = string.Join(
            '\u001f',
            audit.PreviousHash,
            audit.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            audit.ActorKind,
            audit.ActorUserId?.ToString("D") ?? string.Empty,
            audit.TeamId?.ToString("D") ?? string.Empty,
            audit.Action,
            audit.TargetType ?? string.Empty,
            audit.TargetId ?? string.Empty,
            audit.Details ?? string.Empty,
            audit.ClientAddress ?? string.Empty);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))).ToLowerInvariant();
    }
}
