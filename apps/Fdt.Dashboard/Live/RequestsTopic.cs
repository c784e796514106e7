using Fdt.Dashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Live;

/// <summary>The shown team's newest captured exchange (the inspector's list).</summary>
internal sealed class RequestsTopic : ILiveTopic
{
    public string Name => "requests";

    public bool OperatorOnly => false;

    public async Task<string?> FingerprintAsync(LiveTopicContext context, CancellationToken cancellationToken)
    {
        if (context.TeamId is not { } teamId)
        {
            return null;
        }

        var newest = await context.Db.CapturedRequests.AsNoTracking()
            .Where(r => r.TeamId == teamId)
            .OrderByDescending(r => r.ReceivedAt)
            .Select(r => (Guid?)r.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return newest?.ToString("N") ?? string.Empty;
    }
}
