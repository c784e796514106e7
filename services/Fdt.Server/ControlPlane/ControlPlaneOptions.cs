namespace Fdt.Server.ControlPlane;

/// <summary>How an edge keeps up with the control plane (configuration section <c>ControlPlane</c>).</summary>
internal sealed record ControlPlaneOptions
{
    public const string SectionName = "ControlPlane";

    /// <summary>How often the edge looks for stopped tunnels and revoked authtokens when nobody wakes it.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the edge reports it is alive and writes its tunnels' counters.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the edge writes the counters of tunnels that carried traffic since the last write (for live pages).</summary>
    public TimeSpan CounterInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the edge reloads the reserved names (changes made in this process apply at once).</summary>
    public TimeSpan ReservationRefresh { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An edge without a heartbeat for this long is considered gone and its tunnels closed.</summary>
    public TimeSpan EdgeDeadAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How far back revocations are remembered for refusing agent tokens: at least the agent
    /// token lifetime plus clock skew, after which such tokens have expired anyway.
    /// </summary>
    public TimeSpan RevocationWindow { get; init; } = TimeSpan.FromMinutes(20);
}
