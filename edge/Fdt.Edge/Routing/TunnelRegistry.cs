using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Fdt.Edge.Diagnostics;
using Fdt.Edge.Policy;
using Fdt.Edge.Sessions;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Edge.Routing;

/// <summary>
/// Names and the tunnels bound to them. A name is either bound (to a live agent session) or
/// leased: after an agent's connection is lost, its names stay reserved for that agent (the same
/// owner and resume key) for <see cref="EdgeOptions.NameLeaseGracePeriod"/>, so a laptop that
/// sleeps or changes networks gets its URL back and nobody else can take it meanwhile. Leases are
/// persisted through <see cref="ILeaseStore"/> and survive an edge restart.
/// Routing lookups are lock-free; binds and releases take a lock.
/// </summary>
public sealed partial class TunnelRegistry
{
    private readonly EdgeOptions _options;
    private readonly ILeaseStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<TunnelRegistry> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, NameEntry> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TunnelBinding> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TunnelBinding>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;
    private readonly ConcurrentDictionary<string, TunnelBinding> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _leased = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset>.AlternateLookup<ReadOnlySpan<char>> _leasedSpan;

    private readonly INameReservationPolicy _reservations;
    private readonly ITunnelPolicySource _policies;
    private readonly ITunnelObserver[] _observers;
    private readonly EdgeMetrics? _metrics;

    public TunnelRegistry(IOptions<EdgeOptions> options, ILeaseStore store, TimeProvider time, ILogger<TunnelRegistry> logger, INameReservationPolicy? reservations = null, IEnumerable<ITunnelObserver>? observers = null, ITunnelPolicySource? policies = null, EdgeMetrics? metrics = null)
    {
        _metrics = metrics;
        _policies = policies ?? new NoTunnelPolicies();
        _policies.Changed += (_, _) => RefreshPolicies();
        _options = options.Value;
        _store = store;
        _reservations = reservations ?? new NoNameReservations();
        _observers = observers?.ToArray() ?? [];
        _time = time;
        _logger = logger;
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
        _leasedSpan = _leased.GetAlternateLookup<ReadOnlySpan<char>>();

        // Names held when the edge stopped are leased again from now, for a full grace period.
        var restoredUntil = _time.GetUtcNow() + _options.NameLeaseGracePeriod;
        var restored = 0;
        foreach (var lease in _store.Load())
        {
            var expires = lease.ExpiresAt is { } at && at > restoredUntil ? at : restoredUntil;
            if (lease.ExpiresAt is { } past && past <= _time.GetUtcNow())
            {
                continue;
            }

            _names[lease.Name] = new NameEntry(lease.Name, lease.OwnerId, lease.ResumeKeyHash) { LeaseExpiresAt = expires };
            _leased[lease.Name] = expires;
            restored++;
        }

        if (restored > 0)
        {
            Log.LeasesRestored(_logger, restored);
        }
    }

    /// <summary>Live tunnels.</summary>
    public int Count => _byId.Count;

    /// <summary>A snapshot of the live tunnels.</summary>
    public IReadOnlyCollection<TunnelBinding> Bindings => [.. _byId.Values];

    /// <summary>Finds the live tunnel for a name (case-insensitive), without allocating.</summary>
    public TunnelBinding? FindByName(ReadOnlySpan<char> name) => _byNameSpan.TryGetValue(name, out var binding) ? binding : null;

    /// <summary>Whether a name is held for an agent that is currently disconnected (it is expected back).</summary>
    public bool IsLeased(ReadOnlySpan<char> name)
        => _leasedSpan.TryGetValue(name, out var expires) && expires > _time.GetUtcNow();

    /// <summary>Finds a live tunnel by its id.</summary>
    public TunnelBinding? FindById(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Computes the hash under which a resume key is kept.</summary>
    public static string HashResumeKey(string? resumeKey)
        => string.IsNullOrEmpty(resumeKey) ? string.Empty : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(resumeKey)));

    /// <summary>Recomposes every live tunnel's policy from the current layers (after a change through the API).</summary>
    public void RefreshPolicies()
    {
        var changed = 0;
        foreach (var binding in _byId.Values)
        {
            binding.Policy = ComposePolicy(binding.Session.Identity.OwnerId, binding.Name, binding.Protocol, binding.RequestedPolicy);
            changed++;
        }

        Log.PoliciesRefreshed(_logger, changed);
    }

    /// <summary>
    /// The control plane's layers for the owner and name, then the agent's request. A stored layer
    /// that does not compile (it was validated when set, so only a newer edge's rule could) is
    /// skipped with a warning rather than leaving the tunnel without policy.
    /// </summary>
    private TunnelPolicy ComposePolicy(string ownerId, string name, TunnelProtocol protocol, TunnelPolicyRequest? requested)
    {
        var layers = new List<PolicyLayer>();
        foreach (var layer in _policies.GetLayers(ownerId, name))
        {
            if (TunnelPolicy.TryCompose([layer], protocol, out _, out var error))
            {
                layers.Add(layer);
            }
            else
            {
                Log.PolicyLayerSkipped(_logger, layer.Source, name, error!);
            }
        }

        if (requested is not null)
        {
            layers.Add(new PolicyLayer(PolicyLayer.Agent, requested));
        }

        return TunnelPolicy.TryCompose(layers, protocol, out var policy, out _) ? policy : TunnelPolicy.None;
    }

    internal BindOutcome TryBind(AgentSession session, BindMessage request, Func<string, IReadOnlyList<string>> urlsFor)
    {
        string name;
        var tcp = request.Protocol == TunnelProtocol.Tcp;
        var (firstPort, lastPort) = (0, 0);
        if (tcp && !_options.TryGetTcpPortRange(out firstPort, out lastPort))
        {
            return new BindOutcome(null, new ControlError(ErrorCodes.ProtocolNotSupported, "This edge does not offer tcp tunnels."));
        }

        if (request.Name is null)
        {
            name = string.Empty;
        }
        else if (tcp)
        {
            // A TCP tunnel's name is its port: "tcp-20001".
            if (!TunnelNames.TryParseTcpPort(request.Name, out var port) || port < firstPort || port > lastPort)
            {
                return new BindOutcome(null, new ControlError(ErrorCodes.PortUnavailable, $"TCP tunnels use ports {firstPort}-{lastPort} of this server; '{request.Name}' is not one of them."));
            }

            name = TunnelNames.ForTcpPort(port);
        }
        else if (!TunnelNames.TryNormalize(request.Name, _options.MinNameLength, _options.ReservedNames, out name, out var invalid))
        {
            return new BindOutcome(null, new ControlError(ErrorCodes.InvalidName, invalid));
        }
        else if (name.StartsWith(TunnelNames.TcpPrefix, StringComparison.Ordinal))
        {
            return new BindOutcome(null, new ControlError(ErrorCodes.InvalidName, $"Names starting with '{TunnelNames.TcpPrefix}' belong to TCP tunnels."));
        }

        if (request.Name is not null && _reservations.GetOwner(name) is { } owner && !string.Equals(owner, session.Identity.OwnerId, StringComparison.Ordinal))
        {
            return new BindOutcome(null, new ControlError(ErrorCodes.NameReserved, $"The name '{name}' is reserved by another team."));
        }

        var now = _time.GetUtcNow();
        TunnelBinding binding;
        var resumed = false;
        lock (_lock)
        {
            if (request.Name is null && tcp)
            {
                var free = FreeTcpName(firstPort, lastPort, now);
                if (free is null)
                {
                    return new BindOutcome(null, new ControlError(ErrorCodes.PortUnavailable, $"Every TCP port of this server ({firstPort}-{lastPort}) is taken."));
                }

                name = free;
            }
            else if (request.Name is null)
            {
                do
                {
                    name = TunnelNames.Generate();
                }
                while ((_names.ContainsKey(name) && !IsFree(_names[name], now)) || _reservations.GetOwner(name) is not null);
            }
            else if (_names.TryGetValue(name, out var entry) && !IsFree(entry, now))
            {
                var refusal = Check(entry, session, now);
                if (refusal is not null)
                {
                    return new BindOutcome(null, refusal);
                }

                // The agent that held the lease is back (a reconnect).
                resumed = true;
            }

            // The policy is in place before the binding is published: no request sees the tunnel without it.
            binding = new TunnelBinding("t" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(), name, request.Protocol, session, urlsFor(name), request, now, _time)
            {
                Policy = ComposePolicy(session.Identity.OwnerId, name, request.Protocol, request.Policy),
            };
            binding.UseMetrics(_metrics);
            _names[name] = new NameEntry(name, session.Identity.OwnerId, session.ResumeKeyHash) { Active = binding };
            _leased.TryRemove(name, out _);
            _byName[name] = binding;
            _byId[binding.Id] = binding;
            PersistLocked(now);
        }

        _metrics?.TunnelBound(binding, resumed);
        foreach (var observer in _observers)
        {
            observer.OnBound(binding);
        }

        return new BindOutcome(binding, null);
    }

    /// <summary>A free, unreserved TCP port's name, starting the scan at a random port of the range.</summary>
    private string? FreeTcpName(int first, int last, DateTimeOffset now)
    {
        var count = last - first + 1;
        var start = RandomNumberGenerator.GetInt32(count);
        for (var i = 0; i < count; i++)
        {
            var name = TunnelNames.ForTcpPort(first + ((start + i) % count));
            if ((!_names.TryGetValue(name, out var entry) || IsFree(entry, now)) && _reservations.GetOwner(name) is null)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Ends a tunnel. With <paramref name="keepLease"/> its name stays reserved for the same agent for the grace period.</summary>
    internal void Release(TunnelBinding binding, bool keepLease)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_byId.TryRemove(binding.Id, out _))
            {
                return;
            }

            if (!_names.TryGetValue(binding.Name, out var entry) || !ReferenceEquals(entry.Active, binding))
            {
                return;
            }

            _byName.TryRemove(new KeyValuePair<string, TunnelBinding>(binding.Name, binding));
            if (keepLease && !string.IsNullOrEmpty(entry.ResumeKeyHash))
            {
                entry.Active = null;
                entry.LeaseExpiresAt = now + _options.NameLeaseGracePeriod;
                _leased[binding.Name] = entry.LeaseExpiresAt.Value;
            }
            else
            {
                _names.Remove(binding.Name);
            }

            PersistLocked(now);
        }

        _metrics?.TunnelReleased(binding);
        var leased = keepLease && !string.IsNullOrEmpty(binding.Session.ResumeKeyHash);
        foreach (var observer in _observers)
        {
            observer.OnReleased(binding, leased);
        }
    }

    /// <summary>Turns every live tunnel into a lease (the edge is stopping) and writes the leases out.</summary>
    internal async Task LeaseAllAsync()
    {
        foreach (var binding in Bindings)
        {
            Release(binding, keepLease: true);
        }

        await _store.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Forgets expired leases (called periodically; expired leases are already treated as free).</summary>
    internal int PurgeExpired()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var expired = _names.Values.Where(e => IsFree(e, now)).Select(e => e.Name).ToList();
            foreach (var name in expired)
            {
                _names.Remove(name);
                _leased.TryRemove(name, out _);
            }

            if (expired.Count > 0)
            {
                PersistLocked(now);
            }

            return expired.Count;
        }
    }

    private static bool IsFree(NameEntry entry, DateTimeOffset now)
        => entry.Active is null && (entry.LeaseExpiresAt is null || entry.LeaseExpiresAt <= now);

    private static ControlError? Check(NameEntry entry, AgentSession session, DateTimeOffset now)
    {
        if (entry.Active is { } active)
        {
            return ReferenceEquals(active.Session, session)
                ? new ControlError(ErrorCodes.NameInUse, $"This agent already has a tunnel named '{entry.Name}'.")
                : new ControlError(ErrorCodes.NameInUse, $"The name '{entry.Name}' is in use by another agent.");
        }

        // Leased: only the agent that held it (same owner, same resume key) may take it back.
        var sameAgent = string.Equals(entry.OwnerId, session.Identity.OwnerId, StringComparison.Ordinal)
            && !string.IsNullOrEmpty(session.ResumeKeyHash)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(entry.ResumeKeyHash), Encoding.ASCII.GetBytes(session.ResumeKeyHash));
        if (sameAgent)
        {
            return null;
        }

        var retryAfter = (int)Math.Ceiling((entry.LeaseExpiresAt!.Value - now).TotalSeconds);
        return new ControlError(ErrorCodes.NameLeased, $"The name '{entry.Name}' is held for the agent that used it until it reconnects (at most {retryAfter} s more).")
        {
            RetryAfterSeconds = retryAfter,
        };
    }

    private void PersistLocked(DateTimeOffset now)
    {
        var leases = new List<LeaseRecord>(_names.Count);
        foreach (var entry in _names.Values)
        {
            if (string.IsNullOrEmpty(entry.ResumeKeyHash) || IsFree(entry, now))
            {
                continue;
            }

            leases.Add(new LeaseRecord { Name = entry.Name, OwnerId = entry.OwnerId, ResumeKeyHash = entry.ResumeKeyHash, ExpiresAt = entry.LeaseExpiresAt });
        }

        _store.Save(leases);
    }

    private sealed class NameEntry(string name, string ownerId, string resumeKeyHash)
    {
        public string Name { get; } = name;

        public string OwnerId { get; } = ownerId;

        public string ResumeKeyHash { get; } = resumeKeyHash;

        public TunnelBinding? Active { get; set; }

        public DateTimeOffset? LeaseExpiresAt { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.LeasesRestored, LogLevel.Information, "Restored {Count} name leases from the previous run")]
        public static partial void LeasesRestored(ILogger logger, int count);

        [LoggerMessage(EventIds.PoliciesRefreshed, LogLevel.Debug, "Traffic policy recomposed for {Count} live tunnels")]
        public static partial void PoliciesRefreshed(ILogger logger, int count);

        [LoggerMessage(EventIds.PolicyLayerSkipped, LogLevel.Warning, "The {Source} policy layer for {Name} does not compile and is skipped: {Error}")]
        public static partial void PolicyLayerSkipped(ILogger logger, string source, string name, string error);
    }
}
