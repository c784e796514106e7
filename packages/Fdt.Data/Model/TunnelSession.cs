namespace Fdt.Data.Model;

/// <summary>A tunnel as the control plane knows it: open while <see cref="EndedAt"/> is null.</summary>
public sealed class TunnelSession
{
    /// <summary>The edge's tunnel id.</summary>
    public required string Id { get; set; }

    public Guid TeamId { get; set; }

    public Guid? AuthtokenId { get; set; }

    public required string EdgeNodeId { get; set; }

    /// <summary>The edge's agent session id.</summary>
    public required string AgentSessionId { get; set; }

    public required string Name { get; set; }

    public required string Protocol { get; set; }

    public required string Url { get; set; }

    public string? LocalAddress { get; set; }

    public string? ClientAddress { get; set; }

    public string? AgentVersion { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    public long Requests { get; set; }

    public long BytesIn { get; set; }

    public long BytesOut { get; set; }

    /// <summary>Set by the API when someone stops the tunnel; the edge holding it closes it.</summary>
    public DateTime? StopRequestedAt { get; set; }

    public Guid? StopRequestedByUserId { get; set; }
}
