namespace Fdt.Agent.Inspection;

/// <summary>How much of the traffic the agent keeps for its local inspector.</summary>
internal sealed record CaptureOptions
{
    /// <summary>The default cap on each captured body (1 MiB).</summary>
    public const int DefaultBodyLimit = 1024 * 1024;

    /// <summary>Bytes of each request and each response body kept; the rest is counted and marked truncated.</summary>
    public int BodyLimit { get; init; } = DefaultBodyLimit;

    /// <summary>Exchanges kept; the oldest is dropped first.</summary>
    public int MaxExchanges { get; init; } = 500;

    /// <summary>Memory all captures may take together (heads and bodies); the oldest exchanges are dropped first to make room.</summary>
    public long MemoryLimit { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Exchanges captured per second at most (bursts of twice as many; 0: no limit). Beyond it
    /// exchanges pass uncaptured, so a tunnel under load pays nothing for the inspector. Replays are
    /// always captured.
    /// </summary>
    public int MaxPerSecond { get; init; } = 50;

    /// <summary>How long a replay may wait for the local service's whole answer.</summary>
    public TimeSpan ReplayTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A description of what is wrong with these options, or null.</summary>
    public string? Validate()
    {
        if (BodyLimit < 0)
        {
            return "The body capture limit cannot be negative.";
        }

        if (MaxPerSecond < 0)
        {
            return "The inspector's capture rate cannot be negative.";
        }

        if (MaxExchanges < 1)
        {
            return "The inspector must keep at least one request.";
        }

        if (MemoryLimit < BodyLimit)
        {
            return "The inspector's memory limit must be at least the body capture limit.";
        }

        return ReplayTimeout <= TimeSpan.Zero ? "The replay timeout must be positive." : null;
    }
}
