namespace Fdt.Data.Model;

/// <summary>An edge process, registered at start and kept alive by heartbeats.</summary>
public sealed class EdgeNode
{
    public required string Id { get; set; }

    public required string Version { get; set; }

    public string? Address { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime LastHeartbeatAt { get; set; }

    public DateTime? StoppedAt { get; set; }
}
