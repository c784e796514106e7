using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Fdt.Api.Events;
using Fdt.Api.Tunnels;
using Fdt.Data;
using Fdt.Data.Model;
using Fdt.Edge;
using Fdt.Edge.Policy;
using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Fdt.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fdt.Server.ControlPlane;

/// <summary>
/// Connects an edge to the control plane's database. It registers the edge node and keeps it
/// alive with heartbeats, records tunnel sessions as they open and close (queued, so the edge
/// never waits on the database), keeps the reserved-name table the edge checks binds against,
/// and applies what the API asks: stopped tunnels and revoked authtokens. The API wakes it at
/// once when both run in one process; otherwise it finds the same facts by polling every second.
/// </summary>
internal sealed partial class EdgeBridge : ITunnelObserver, INameReservationPolicy, ITunnelPolicySource, IControlPlaneEvents, IHostedService, IDisposable
{
    private readonly IDbContextFactory<FdtDbContext> _factory;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<EdgeBridge> _logger;
    private readonly ControlPlaneOptions _options;
    private readonly Channel<Func<FdtDbContext, CancellationToken, Task>> _writes = Channel.CreateUnbounded<Func<FdtDbContext, CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TunnelBinding> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Requests, long BytesIn, long BytesOut)> _writtenCounters = new(StringComparer.Ordinal);
    private volatile Dictionary<string, string> _reservations = new(StringComparer.OrdinalIgnoreCase);
    private volatile HashSet<string> _revoked = new(StringComparer.Ordinal);
    private volatile PolicySnapshot _policies = PolicySnapshot.Empty;
    private (DateTime? LastUpdate, int Count) _policyVersion = (null, -1);
    private bool _policiesChanged;
    private Task _writer = Task.CompletedTask;
    private readonly SingleStop _stopping = new();
    private int _disposed;
    private bool _reservationsChanged;
    private Task _poller = Task.CompletedTask;

    public EdgeBridge(IDbContextFactory<FdtDbContext> factory, IServiceProvider services, IOptions<ControlPlaneOptions> options, TimeProvider time, ILogger<EdgeBridge> logger)
    {
        _factory = factory;
        _options = options.Value;
        _services = services;
        _time = time;
        _logger = logger;
        EdgeNodeId = $"{Environment.MachineName}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";
    }

    /// <summary>This edge process's id in the database.</summary>
    public string EdgeNodeId { get; }

    /// <summary>Whether the edge node is registered in the database (readiness).</summary>
    public bool IsRegistered { get; private set; }

    /// <summary>Whether the last poll of the database succeeded (readiness).</summary>
    public bool LastPollSucceeded { get; private set; } = true;

    // EdgeControl depends on the edge's registries, which depend on this bridge: resolve it late.
    private EdgeControl Control => _services.GetRequiredService<EdgeControl>();

    private AgentSessionRegistry Sessions => _services.GetRequiredService<AgentSessionRegistry>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await _factory.CreateDbContextAsync(cancellationToken))
        {
            var now = Now;
            db.EdgeNodes.Add(new EdgeNode { Id = EdgeNodeId, Version = typeof(EdgeBridge).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", Address = Environment.MachineName, StartedAt = now, LastHeartbeatAt = now });
            await db.SaveChangesAsync(cancellationToken);
            await LoadReservationsAsync(db, cancellationToken);
            await LoadRevocationsAsync(db, cancellationToken);
            await LoadPoliciesAsync(db, force: true, cancellationToken);
        }

        IsRegistered = true;
        _writer = WriteLoopAsync();
        _poller = PollLoopAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stopping.RunAsync(() => StopCoreAsync(cancellationToken));

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _writes.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _stop.CancelAsync();
        await _poller.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await using var db = await _factory.CreateDbContextAsync(cancellationToken);
            var now = Now;
            await db.EdgeNodes.Where(e => e.Id == EdgeNodeId).ExecuteUpdateAsync(set => set.SetProperty(e => e.StoppedAt, now).SetProperty(e => e.LastHeartbeatAt, now), cancellationToken);
            await db.TunnelSessions.Where(t => t.EdgeNodeId == EdgeNodeId && t.EndedAt == null).ExecuteUpdateAsync(set => set.SetProperty(t => t.EndedAt, now), cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or OperationCanceledException)
        {
            Log.DatabaseFailed(_logger, "marking the edge stopped", ex);
        }
    }

    public void Dispose()
    {
        // Disposed twice too when both the test host and the program own the host.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.WaitBeforeDispose(TimeSpan.FromSeconds(10));

        _stop.Cancel();
        _stop.Dispose();
        _wake.Dispose();
    }

    // ---- ITunnelObserver: queued writes ---------------------------------------------------------

    public void OnBound(TunnelBinding binding)
    {
        _live[binding.Id] = binding;
        if (!Guid.TryParse(binding.Session.Identity.OwnerId, out var teamId))
        {
            return;
        }

        Guid? authtokenId = Guid.TryParse(binding.Session.Identity.CredentialId, out var id) ? id : null;
        var session = new TunnelSession
        {
            Id = binding.Id,
            TeamId = teamId,
            AuthtokenId = authtokenId,
            EdgeNodeId = EdgeNodeId,
            AgentSessionId = binding.Session.Id,
            Name = binding.Name,
            Protocol = binding.Protocol.ToString().ToLowerInvariant(),
            Url = binding.Urls.Count > 0 ? binding.Urls[0] : binding.Name,
            LocalAddress = binding.LocalAddress,
            ClientAddress = binding.Session.RemoteAddress?.ToString(),
            AgentVersion = binding.Session.AgentVersion,
            StartedAt = binding.CreatedAt.UtcDateTime,
        };
        _writes.Writer.TryWrite(async (db, ct) =>
        {
            db.TunnelSessions.Add(session);
            await db.SaveChangesAsync(ct);
        });
    }

    public void OnReleased(TunnelBinding binding, bool leased)
    {
        _live.TryRemove(binding.Id, out _);
        var (requests, bytesIn, bytesOut, now) = (binding.Requests, binding.BytesIn, binding.BytesOut, Now);
        _writes.Writer.TryWrite((db, ct) => db.TunnelSessions.Where(t => t.Id == binding.Id).ExecuteUpdateAsync(
            set => set.SetProperty(t => t.EndedAt, now).SetProperty(t => t.Requests, requests).SetProperty(t => t.BytesIn, bytesIn).SetProperty(t => t.BytesOut, bytesOut), ct));
    }

    // ---- INameReservationPolicy -------------------------------------------------------------

    public string? GetOwner(string name) => _reservations.GetValueOrDefault(name);

    /// <summary>
    /// Whether the authtoken with this id was revoked recently. Agent tokens are checked offline,
    /// so one issued before a revocation stays valid until it expires; the edge refuses it here.
    /// </summary>
    public bool IsRevoked(string credentialId) => _revoked.Contains(credentialId);

    // ---- ITunnelPolicySource -----------------------------------------------------------------

    public event EventHandler? Changed;

    public IReadOnlyList<PolicyLayer> GetLayers(string ownerId, string name)
    {
        var snapshot = _policies;
        if (!Guid.TryParse(ownerId, out var teamId))
        {
            return [];
        }

        var team = snapshot.Teams.GetValueOrDefault(teamId);
        var reserved = snapshot.Names.TryGetValue(name, out var entry) && entry.TeamId == teamId ? entry.Policy : null;
        return (team, reserved) switch
        {
            (null, null) => [],
            (not null, null) => [new PolicyLayer(PolicyLayer.Team, team)],
            (null, not null) => [new PolicyLayer(PolicyLayer.Name, reserved)],
            _ => [new PolicyLayer(PolicyLayer.Team, team!), new PolicyLayer(PolicyLayer.Name, reserved!)],
        };
    }

    // ---- IControlPlaneEvents: wake the poller -------------------------------------------------

    public ValueTask TunnelStopRequestedAsync(string tunnelId, CancellationToken cancellationToken) => Wake();

    public ValueTask AuthtokenRevokedAsync(Guid authtokenId, CancellationToken cancellationToken) => Wake();

    public ValueTask ReservationsChangedAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _reservationsChanged, true);
        return Wake();
    }

    public ValueTask PoliciesChangedAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _policiesChanged, true);
        return Wake();
    }

    public ValueTask CertificatesChangedAsync(CancellationToken cancellationToken)
    {
        _services.GetService<Certificates.ServerCertificates>()?.Invalidate();
        return ValueTask.CompletedTask;
    }

    private ValueTask Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }

        return ValueTask.CompletedTask;
    }

    // ---- Loops ---------------------------------------------------------------------------------

    private DateTime Now => _time.GetStoredUtcNow();

    private async Task WriteLoopAsync()
    {
        await foreach (var write in _writes.Reader.ReadAllAsync())
        {
            try
            {
                await using var db = await _factory.CreateDbContextAsync();
                await write(db, CancellationToken.None);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                Log.DatabaseFailed(_logger, "recording a tunnel session", ex);
            }
        }
    }

    private async Task PollLoopAsync()
    {
        var nextHeartbeat = _time.GetTimestamp();
        var nextReservations = _time.GetTimestamp();
        var nextCounters = _time.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(_options.PollInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await using var db = await _factory.CreateDbContextAsync(_stop.Token);
                await ApplyStopsAsync(db, _stop.Token);
                await LoadRevocationsAsync(db, _stop.Token);
                await ApplyRevocationsAsync(_stop.Token);
                await LoadPoliciesAsync(db, Interlocked.Exchange(ref _policiesChanged, false), _stop.Token);
                if (_time.GetTimestamp() >= nextReservations || Interlocked.Exchange(ref _reservationsChanged, false))
                {
                    await LoadReservationsAsync(db, _stop.Token);
                    nextReservations = _time.GetTimestamp() + (long)(_options.ReservationRefresh.TotalSeconds * _time.TimestampFrequency);
                }

                if (_time.GetTimestamp() >= nextHeartbeat)
                {
                    await HeartbeatAsync(db, _stop.Token);
                    nextHeartbeat = _time.GetTimestamp() + (long)(_options.HeartbeatInterval.TotalSeconds * _time.TimestampFrequency);
                    nextCounters = _time.GetTimestamp() + (long)(_options.CounterInterval.TotalSeconds * _time.TimestampFrequency);
                }
                else if (_time.GetTimestamp() >= nextCounters)
                {
                    await WriteCountersAsync(db, onlyChanged: true, _stop.Token);
                    nextCounters = _time.GetTimestamp() + (long)(_options.CounterInterval.TotalSeconds * _time.TimestampFrequency);
                }

                LastPollSucceeded = true;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
            {
                LastPollSucceeded = false;
                Log.DatabaseFailed(_logger, "polling the control plane", ex);
            }
        }
    }

    private async Task ApplyStopsAsync(FdtDbContext db, CancellationToken cancellationToken)
    {
        var stops = await db.TunnelSessions.Where(t => t.EdgeNodeId == EdgeNodeId && t.EndedAt == null && t.StopRequestedAt != null)
            .Select(t => new { t.Id, By = db.Users.Where(u => u.Id == t.StopRequestedByUserId).Select(u => u.Email).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        foreach (var stop in stops)
        {
            if (!await Control.StopTunnelAsync(stop.Id, TunnelOperations.StoppedError(stop.By), cancellationToken))
            {
                // Not live here any more: close the record so it is not asked again.
                var now = Now;
                await db.TunnelSessions.Where(t => t.Id == stop.Id).ExecuteUpdateAsync(set => set.SetProperty(t => t.EndedAt, now), cancellationToken);
            }
        }
    }

    private async Task LoadRevocationsAsync(FdtDbContext db, CancellationToken cancellationToken)
    {
        var since = Now - _options.RevocationWindow;
        var revoked = await db.Authtokens.Where(a => a.RevokedAt != null && a.RevokedAt > since).Select(a => a.Id).ToListAsync(cancellationToken);
        _revoked = revoked.Select(id => id.ToString("D")).ToHashSet(StringComparer.Ordinal);
    }

    private async Task ApplyRevocationsAsync(CancellationToken cancellationToken)
    {
        var revoked = _revoked;
        if (revoked.Count == 0)
        {
            return;
        }

        // Sessions of a revoked authtoken are cut whether or not their tunnels were recorded yet.
        foreach (var credentialId in Sessions.Sessions.Select(s => s.Identity.CredentialId).OfType<string>().Where(revoked.Contains).Distinct(StringComparer.Ordinal).ToList())
        {
            await Control.DisconnectCredentialAsync(credentialId, new ControlError(ErrorCodes.AuthenticationFailed, "The authtoken was revoked."), cancellationToken);
        }
    }

    private async Task LoadReservationsAsync(FdtDbContext db, CancellationToken cancellationToken)
    {
        var reservations = await db.ReservedNames.Select(r => new { r.Name, r.TeamId }).ToListAsync(cancellationToken);
        _reservations = reservations.ToDictionary(r => r.Name, r => r.TeamId.ToString("D"), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Reloads team and reserved-name policies when they changed: every poll compares the newest
    /// update time and the row count (cheap), so other nodes' changes arrive within a poll interval.
    /// </summary>
    private async Task LoadPoliciesAsync(FdtDbContext db, bool force, CancellationToken cancellationToken)
    {
        var version = (await db.TrafficPolicies.MaxAsync(p => (DateTime?)p.UpdatedAt, cancellationToken), await db.TrafficPolicies.CountAsync(cancellationToken));
        if (!force && version == _policyVersion)
        {
            return;
        }

        var rows = await (from p in db.TrafficPolicies
                          join r in db.ReservedNames on p.ReservedNameId equals r.Id into names
                          from r in names.DefaultIfEmpty()
                          select new { p.TeamId, p.ReservedNameId, p.Document, Name = r == null ? null : r.Name }).ToListAsync(cancellationToken);
        var teams = new Dictionary<Guid, TunnelPolicyRequest>();
        var byName = new Dictionary<string, (Guid TeamId, TunnelPolicyRequest Policy)>(StringComparer.OrdinalIgnoreCase);
        var protector = _services.GetService<Fdt.Api.Security.CertificateKeyProtector>();
        foreach (var row in rows)
        {
            TunnelPolicyRequest policy;
            try
            {
                policy = TunnelPolicyRequest.FromJson(row.Document);
                if (policy.VerifyWebhook is { Secret: { } secret } webhook)
                {
                    policy = policy with { VerifyWebhook = webhook with { Secret = protector is null ? null : Fdt.Api.Policies.PoliciesEndpoints.UnprotectSecret(protector, secret, row.TeamId) } };
                }
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                Log.PolicyUnreadable(_logger, row.TeamId, ex.Message);
                continue;
            }

            if (row.ReservedNameId is null)
            {
                teams[row.TeamId] = policy;
            }
            else if (row.Name is not null)
            {
                byName[row.Name] = (row.TeamId, policy);
            }
        }

        _policies = new PolicySnapshot(teams, byName);
        _policyVersion = version;
        Changed?.Invoke(this, EventArgs.Empty);
    }

    private sealed record PolicySnapshot(IReadOnlyDictionary<Guid, TunnelPolicyRequest> Teams, IReadOnlyDictionary<string, (Guid TeamId, TunnelPolicyRequest Policy)> Names)
    {
        public static PolicySnapshot Empty { get; } = new(new Dictionary<Guid, TunnelPolicyRequest>(), new Dictionary<string, (Guid, TunnelPolicyRequest)>());
    }

    // Live tunnels' counters, for the API and the console's live pages: every tunnel on the
    // heartbeat, and in between (CounterInterval) only those that carried traffic since.
    private async Task WriteCountersAsync(FdtDbContext db, bool onlyChanged, CancellationToken cancellationToken)
    {
        foreach (var binding in _live.Values)
        {
            var counters = (binding.Requests, binding.BytesIn, binding.BytesOut);
            if (onlyChanged && _writtenCounters.TryGetValue(binding.Id, out var written) && written == counters)
            {
                continue;
            }

            var (requests, bytesIn, bytesOut) = counters;
            await db.TunnelSessions.Where(t => t.Id == binding.Id && t.EndedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.Requests, requests).SetProperty(t => t.BytesIn, bytesIn).SetProperty(t => t.BytesOut, bytesOut), cancellationToken);
            _writtenCounters[binding.Id] = counters;
        }

        foreach (var id in _writtenCounters.Keys)
        {
            if (!_live.ContainsKey(id))
            {
                _writtenCounters.TryRemove(id, out _);
            }
        }
    }

    private async Task HeartbeatAsync(FdtDbContext db, CancellationToken cancellationToken)
    {
        var now = Now;
        await db.EdgeNodes.Where(e => e.Id == EdgeNodeId).ExecuteUpdateAsync(set => set.SetProperty(e => e.LastHeartbeatAt, now), cancellationToken);
        await WriteCountersAsync(db, onlyChanged: false, cancellationToken);

        // Edges that stopped heartbeating (crashed) leave their sessions open: close them.
        var deadline = now - _options.EdgeDeadAfter;
        var dead = db.EdgeNodes.Where(e => e.StoppedAt == null && e.LastHeartbeatAt < deadline).Select(e => e.Id);
        await db.TunnelSessions.Where(t => t.EndedAt == null && dead.Contains(t.EdgeNodeId)).ExecuteUpdateAsync(set => set.SetProperty(t => t.EndedAt, now), cancellationToken);
        await db.EdgeNodes.Where(e => e.StoppedAt == null && e.LastHeartbeatAt < deadline).ExecuteUpdateAsync(set => set.SetProperty(e => e.StoppedAt, now), cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Control-plane bridge: {Activity} failed")]
        public static partial void DatabaseFailed(ILogger logger, string activity, Exception exception);

        [LoggerMessage(2, LogLevel.Warning, "A traffic policy of team {TeamId} cannot be read and is skipped: {Message}")]
        public static partial void PolicyUnreadable(ILogger logger, Guid teamId, string message);
    }
}
