using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Fdt.Protocol.Control;
using Microsoft.Extensions.Logging;

namespace Fdt.Edge;

/// <summary>
/// What the control plane can make an edge do: stop a tunnel, or cut every session of a
/// credential (a revoked authtoken). The agent is told why before its tunnel goes.
/// </summary>
public sealed partial class EdgeControl(TunnelRegistry tunnels, AgentSessionRegistry sessions, ILogger<EdgeControl> logger)
{
    /// <summary>Stops one tunnel if this edge holds it; returns whether it did. The name is not leased.</summary>
    public async Task<bool> StopTunnelAsync(string tunnelId, ControlError reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var binding = tunnels.FindById(tunnelId);
        if (binding is null || !binding.Session.RemoveBinding(binding))
        {
            return false;
        }

        tunnels.Release(binding, keepLease: false);
        Log.TunnelStopped(logger, binding.Name, reason.Code);
        await TrySendAsync(binding.Session, new UnbindMessage { TunnelId = binding.Id, Error = reason }, cancellationToken);
        return true;
    }

    /// <summary>Stops every tunnel of every session authenticated with <paramref name="credentialId"/> and closes those sessions.</summary>
    public async Task<int> DisconnectCredentialAsync(string credentialId, ControlError reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var count = 0;
        foreach (var session in sessions.Sessions)
        {
            if (!string.Equals(session.Identity.CredentialId, credentialId, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var binding in session.TakeBindings())
            {
                tunnels.Release(binding, keepLease: false);
                await TrySendAsync(session, new UnbindMessage { TunnelId = binding.Id, Error = reason }, cancellationToken);
            }

            Log.SessionDisconnected(logger, session.Id, reason.Code);
            await session.Mux.CloseAsync();
            count++;
        }

        return count;
    }

    private static async Task TrySendAsync(AgentSession session, ControlMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await session.Control.SendAsync(message, cancellationToken).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The session is ending anyway.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.TunnelStoppedByControlPlane, LogLevel.Information, "Stopped tunnel {Name}: {Code}")]
        public static partial void TunnelStopped(ILogger logger, string name, string code);

        [LoggerMessage(EventIds.SessionDisconnectedByControlPlane, LogLevel.Information, "Disconnected agent session {SessionId}: {Code}")]
        public static partial void SessionDisconnected(ILogger logger, string sessionId, string code);
    }
}
