namespace Fdt.Dashboard.Infrastructure;

/// <summary>Settings of the console role (configuration section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>Marks the session cookies Secure even on plain HTTP (set it when a TLS proxy is in front).</summary>
    public bool SecureCookies { get; set; }

    /// <summary>How often a live page's data is checked for changes.</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a live connection re-checks that its session is still valid.</summary>
    public TimeSpan LiveSessionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most live-update connections one person may hold open (tabs); more get 429.</summary>
    public int MaxLiveConnectionsPerUser { get; set; } = 16;
}
