using System.Globalization;
using Fdt.Dashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Live;

/// <summary>Every live tunnel of the installation and its counters (operators only).</summary>
internal sealed class AdminTunnelsTopic : ILiveTopic
{
    public string Name => "admin-tunnels";

    public bool OperatorOnly => true;

    public async Task<string?> FingerprintAsync(LiveTopicContext context, CancellationToken cancellationToken)
    {
        var rows = await context.Db.TunnelSessions.AsNoTracking()
            .Where(t => t.EndedAt == null)
            .OrderBy(t => t.Id)
            .Select(t => new { t.Id, t.Requests, t.BytesIn, t.BytesOut, Stopping = t.StopRequestedAt != null })
            .Take(1000)
            .ToListAsync(cancellationToken);
        return TunnelsTopic.Fingerprint(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Id}:{r.Requests}:{r.BytesIn}:{r.BytesOut}:{r.Stopping}")));
    }
}
