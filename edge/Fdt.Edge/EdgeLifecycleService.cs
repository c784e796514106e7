using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Fdt.Protocol.Control;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Edge;

/// <summary>
/// Runs the edge's housekeeping: purges expired leases, and when the host stops, drains agent
/// sessions before the web server stops: agents are told to reconnect, their names are leased
/// and persisted, in-flight streams get a moment to finish, then the sessions close.
/// </summary>
internal sealed partial class EdgeLifecycleService : IHostedLifecycleService, IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly AgentSessionRegistry _sessions;
    private readonly TunnelRegistry _tunnels;
    private readonly EdgeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EdgeLifecycleService> _logger;
    private ITimer? _purge;

    public EdgeLifecycleService(AgentSessionRegistry sessions, TunnelRegistry tunnels, IOptions<EdgeOptions> options, TimeProvider time, ILogger<EdgeLifecycleService> logger)
    {
        _sessions = sessions;
        _tunnels = tunnels;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var period = _options.NameLeaseGracePeriod < TimeSpan.FromMinutes(1) ? _options.NameLeaseGracePeriod : TimeSpan.FromMinutes(1);
        _purge = _time.CreateTimer(static s => ((TunnelRegistry)s!).PurgeExpired(), _tunnels, period, period);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var sessions = _sessions.Sessions;
        Log.Draining(_logger, sessions.Count);
        var drain = new DrainMessage { Reason = "The edge is restarting.", ReconnectAfterMilliseconds = (int)_options.DrainReconnectDelay.TotalMilliseconds };
        foreach (var session in sessions)
        {
            session.Draining = true;
            try
            {
                await session.Control.SendAsync(drain, cancellationToken).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (Exception)
            {
                // A session that cannot take the message is ending anyway.
            }

            session.Mux.GoAway();
        }

        await _tunnels.LeaseAllAsync();

        // Requests already in flight get a moment to finish (the control stream is always open).
        var deadline = _time.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * _time.TimestampFrequency);
        while (sessions.Any(s => !s.Mux.IsClosed && s.Mux.StreamCount > 1) && _time.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
        }

        await Task.WhenAll(sessions.Select(s => s.Mux.CloseAsync()));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _purge?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventIds.DrainingSessions, LogLevel.Information, "Draining {Count} agent sessions")]
        public static partial void Draining(ILogger logger, int count);
    }
}
