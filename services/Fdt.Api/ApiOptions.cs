namespace Fdt.Api;

/// <summary>Settings of the API role (configuration section <c>Api</c>).</summary>
public sealed record ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>"invite" (self-hosting default: accounts only through invitations) or "open" (anyone may sign up).</summary>
    public string RegistrationMode { get; init; } = "invite";

    /// <summary>Lifetime of access tokens (JWT) for people.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of refresh tokens; each use rotates them.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Lifetime of the signed agent tokens authtokens are exchanged for.</summary>
    public TimeSpan AgentTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of invitation links.</summary>
    public TimeSpan InvitationLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Device logins expire after this long.</summary>
    public TimeSpan DeviceCodeLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Minimum seconds between a device's polls.</summary>
    public int DevicePollIntervalSeconds { get; init; } = 5;

    /// <summary>Tunnels one agent may hold (carried in its agent token).</summary>
    public int MaxTunnelsPerAgent { get; init; } = 16;

    /// <summary>Failed logins in a row that lock an account.</summary>
    public int LockoutThreshold { get; init; } = 5;

    /// <summary>How long an account stays locked.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Login attempts allowed per client address per minute.</summary>
    public int LoginAttemptsPerMinute { get; init; } = 10;

    /// <summary>Where key material is kept (the server's data directory) when not configured explicitly.</summary>
    public string? KeyDirectory { get; init; }

    /// <summary>The public base URL of the API (used in links such as invitations and device verification); default: the request's.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>How often the database is probed for the <c>fdt_database_up</c> gauge.</summary>
    public TimeSpan DatabaseProbeInterval { get; init; } = TimeSpan.FromSeconds(15);

    internal bool OpenRegistration => string.Equals(RegistrationMode, "open", StringComparison.OrdinalIgnoreCase);
}
