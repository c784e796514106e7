using Fdt.Api.Inspection;
using Fdt.Edge.Forwarding;
using Fdt.Edge.Routing;

namespace Fdt.Server.Inspection;

/// <summary>Replays through this process's edge, and waits until the replay's capture is stored.</summary>
internal sealed class ReplayGateway(TunnelRegistry tunnels, TunnelForwarder forwarder, CaptureWriter writer) : IReplayGateway
{
    public async Task<ReplayOutcome?> ReplayAsync(ReplayCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var binding = tunnels.FindByName(command.TunnelName);
        if (binding is null || !string.Equals(binding.Session.Identity.OwnerId, command.TeamId.ToString("D"), StringComparison.Ordinal)
            || binding.Protocol != Fdt.Protocol.Control.TunnelProtocol.Http)
        {
            return null;
        }

        // The caller reads the replay right after: answer once it is stored (or dropped).
        var id = Guid.CreateVersion7();
        var stored = writer.Expect(id);
        try
        {
            var result = await forwarder.ReplayAsync(binding, new Fdt.Edge.Inspection.ReplayRequest(command.Method, command.Target, command.Host, command.Headers, command.Body), command.ReplayOf, id, cancellationToken);
            await stored.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return new ReplayOutcome(result.CaptureId, result.Status, result.ErrorCode);
        }
        finally
        {
            writer.Forget(id);
        }
    }
}
