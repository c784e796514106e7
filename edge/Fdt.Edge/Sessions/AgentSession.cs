using System.Net;
using Fdt.Edge.Auth;
using Fdt.Edge.Routing;
using Fdt.Protocol.Control;
using Fdt.Protocol.Mux;

namespace Fdt.Edge.Sessions;

/// <summary>
/// One connected agent as the edge sees it: its identity, its multiplexed connection, its
/// control channel and the tunnels it holds. Whatever carries it (a WebSocket today, an SSH
/// connection later), the rest of the edge talks to an agent through this type.
/// </summary>
public sealed class AgentSession
{
    private readonly Lock _lock = new();
    private readonly List<TunnelBinding> _bindings = [];
    private long _denialWindow;
    private int _denialsInWindow;
    private int _denialsSuppressed;

    internal AgentSession(string id, AgentIdentity identity, HelloMessage hello, IPAddress? remoteAddress, MuxSession mux, ControlChannel control, DateTimeOffset connectedAt)
    {
        Id = id;
        Identity = identity;
        AgentVersion = hello.AgentVersion;
        Platform = hello.Platform;
        ResumeKeyHash = TunnelRegistry.HashResumeKey(hello.ResumeKey);
        RemoteAddress = remoteAddress;
        Mux = mux;
        Control = control;
        ConnectedAt = connectedAt;
    }

    public string Id { get; }

    public AgentIdentity Identity { get; }

    public string? AgentVersion { get; }

    public string? Platform { get; }

    public IPAddress? RemoteAddress { get; }

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Hash of the agent's resume key (names are leased to it).</summary>
    public string ResumeKeyHash { get; }

    /// <summary>The last measured round trip to the agent.</summary>
    public TimeSpan? Rtt => Mux.LastRtt;

    /// <summary>The tunnels this session holds.</summary>
    public IReadOnlyList<TunnelBinding> Bindings
    {
        get
        {
            lock (_lock)
            {
                return [.. _bindings];
            }
        }
    }

    /// <summary>The edge port the agent connected to (public URLs use it unless a public port is configured).</summary>
    public int LocalPort { get; init; }

    /// <summary>How the agent's connection is carried (<see cref="AgentTransportKinds"/>).</summary>
    public string Transport { get; init; } = AgentTransportKinds.Upgrade;

    /// <summary>Set when the edge drains: the session's names are leased rather than released when it ends.</summary>
    internal bool Draining { get; set; }

    internal MuxSession Mux { get; }

    internal ControlChannel Control { get; }

    internal int BindingCount
    {
        get
        {
            lock (_lock)
            {
                return _bindings.Count;
            }
        }
    }

    internal void AddBinding(TunnelBinding binding)
    {
        lock (_lock)
        {
            _bindings.Add(binding);
        }
    }

    internal bool RemoveBinding(TunnelBinding binding)
    {
        lock (_lock)
        {
            return _bindings.Remove(binding);
        }
    }

    internal TunnelBinding? FindBinding(string tunnelId)
    {
        lock (_lock)
        {
            return _bindings.Find(b => b.Id == tunnelId);
        }
    }

    internal List<TunnelBinding> TakeBindings()
    {
        lock (_lock)
        {
            var all = new List<TunnelBinding>(_bindings);
            _bindings.Clear();
            return all;
        }
    }

    /// <summary>
    /// Tells the agent a request was denied, without waiting. At most
    /// <see cref="MaxDenialReportsPerSecond"/> go out per second; the rest are counted in the next report.
    /// </summary>
    internal void ReportDenial(RequestDeniedMessage message)
    {
        var second = Environment.TickCount64 / 1000;
        int suppressed;
        lock (_lock)
        {
            if (second != _denialWindow)
            {
                (_denialWindow, _denialsInWindow) = (second, 0);
            }

            if (++_denialsInWindow > MaxDenialReportsPerSecond)
            {
                _denialsSuppressed++;
                return;
            }

            suppressed = _denialsSuppressed;
            _denialsSuppressed = 0;
        }

        _ = SendQuietlyAsync(suppressed == 0 ? message : message with { Suppressed = suppressed });
    }

    /// <summary>Denial reports an agent gets per second at most.</summary>
    internal const int MaxDenialReportsPerSecond = 10;

    private async Task SendQuietlyAsync(ControlMessage message)
    {
        try
        {
            await Control.SendAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or MuxException or ControlProtocolException)
        {
            // The session is ending; the report has nobody to go to.
        }
    }
}
