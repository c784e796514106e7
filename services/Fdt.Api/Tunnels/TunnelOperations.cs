using System.Text.Json;
using Fdt.Api.Events;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Tunnels;

/// <summary>Listing and stopping a team's tunnels; shared by the people's API and the agent API.</summary>
public static class TunnelOperations
{
    public static async Task<List<TunnelView>> ListAsync(FdtDbContext db, Guid teamId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sessions = await db.TunnelSessions.AsNoTracking()
            .Where(t => t.TeamId == teamId && t.EndedAt == null)
            .OrderBy(t => t.StartedAt)
            .ToListAsync(cancellationToken);
        return sessions.ConvertAll(TunnelView.From);
    }

    /// <summary>
    /// Asks the edge holding the tunnel to stop it; false when the team has no such live tunnel.
    /// The request is made by a person (<paramref name="userId"/>) or by an agent's authtoken (<paramref name="authtokenId"/>).
    /// </summary>
    public static async Task<bool> StopAsync(FdtDbContext db, AuditLog audit, IControlPlaneEvents events, TimeProvider time, Guid teamId, string tunnelId, AuditRecord record, Guid? userId, Guid? authtokenId, CancellationToken cancellationToken, string action = "tunnel.stop")
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(record);
        var session = await db.TunnelSessions.SingleOrDefaultAsync(t => t.Id == tunnelId && t.TeamId == teamId && t.EndedAt == null, cancellationToken);
        if (session is null)
        {
            return false;
        }

        session.StopRequestedAt ??= (time ?? TimeProvider.System).GetStoredUtcNow();
        session.StopRequestedByUserId ??= userId;
        await audit.SaveWithAuditAsync(db, record with { TeamId = teamId, Action = action, TargetType = "tunnel", TargetId = tunnelId, Details = JsonSerializer.Serialize(new { name = session.Name, authtoken = authtokenId }) }, cancellationToken);
        await events.TunnelStopRequestedAsync(tunnelId, cancellationToken);
        return true;
    }

    /// <summary>The error the agent is shown when its tunnel is stopped through the API.</summary>
    public static Protocol.Control.ControlError StoppedError(string? by) => new(ErrorCodes.TunnelStopped, by is null ? "The tunnel was stopped through the API." : $"The tunnel was stopped by {by}.");
}
