using System.Globalization;
using System.Text;
using Fdt.Dashboard.Infrastructure;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Live;

/// <summary>The shown team's live tunnels and their counters.</summary>
internal sealed class TunnelsTopic : ILiveTopic
{
    public string Name => "tunnels";

    public bool OperatorOnly => false;

    public async Task<string?> FingerprintAsync(LiveTopicContext context, CancellationToken cancellationToken)
    {
        if (context.TeamId is not { } teamId)
        {
            return null;
        }

        return await FingerprintAsync(context.Db.TunnelSessions.Where(t => t.TeamId == teamId), cancellationToken);
    }

    /// <summary>The live tunnels among <paramref name="sessions"/>: ids, counters, stopping.</summary>
    internal static async Task<string> FingerprintAsync(IQueryable<TunnelSession> sessions, CancellationToken cancellationToken)
    {
        var rows = await sessions.AsNoTracking()
            .Where(t => t.EndedAt == null)
            .OrderBy(t => t.Id)
            .Select(t => new { t.Id, t.Requests, t.BytesIn, t.BytesOut, Stopping = t.StopRequestedAt != null })
            .Take(1000)
            .ToListAsync(cancellationToken);
        return Fingerprint(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Id}:{r.Requests}:{r.BytesIn}:{r.BytesOut}:{r.Stopping}")));
    }

    private static string Fingerprint(IEnumerable<string> parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            text.Append(part).Append(';');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
