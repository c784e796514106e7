using Fdt.Dashboard.Infrastructure;

namespace Fdt.Dashboard.Live;

/// <summary>Every live tunnel of the installation and its counters (operators only).</summary>
internal sealed class AdminTunnelsTopic : ILiveTopic
{
    public string Name => "admin-tunnels";

    public bool OperatorOnly => true;

    public async Task<string?> FingerprintAsync(LiveTopicContext context, CancellationToken cancellationToken)
        => await TunnelsTopic.FingerprintAsync(context.Db.TunnelSessions, cancellationToken);
}
