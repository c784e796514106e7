namespace Fdt.Api.Inspection;

/// <summary>A request to send through a live tunnel again.</summary>
public sealed record ReplayCommand(Guid TeamId, string TunnelName, string Method, string Target, string Host, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, Guid ReplayOf);

/// <summary>What the replay got; <see cref="CaptureId"/> is the stored exchange of the replay.</summary>
public sealed record ReplayOutcome(Guid CaptureId, int Status, string? ErrorCode);

/// <summary>Sends replays through the edge holding the tunnel.</summary>
public interface IReplayGateway
{
    /// <summary>Null when the team's tunnel of that name is not live on this node.</summary>
    Task<ReplayOutcome?> ReplayAsync(ReplayCommand command, CancellationToken cancellationToken);
}

/// <summary>No edge in this process: replays need the node that holds the tunnel.</summary>
internal sealed class NoReplayGateway : IReplayGateway
{
    public Task<ReplayOutcome?> ReplayAsync(ReplayCommand command, CancellationToken cancellationToken) => Task.FromResult<ReplayOutcome?>(null);
}
