namespace Fdt.Edge.Routing;

/// <summary>A name held for an agent that is (or was until recently) connected; persisted across edge restarts.</summary>
public sealed record LeaseRecord
{
    public required string Name { get; init; }

    public required string OwnerId { get; init; }

    /// <summary>SHA-256 (hex) of the agent's resume key; the key itself is never stored.</summary>
    public required string ResumeKeyHash { get; init; }

    /// <summary>When the lease ends; null while the agent is connected.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
