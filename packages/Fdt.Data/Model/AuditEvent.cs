namespace Fdt.Data.Model;

/// <summary>
/// One state change. Events form a hash chain: each stores the previous event's hash and its own
/// hash over its fields and that previous hash, so an edited or deleted event breaks the chain.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTime OccurredAt { get; set; }

    /// <summary>"user", "operator", "agent" or "system".</summary>
    public required string ActorKind { get; set; }

    public Guid? ActorUserId { get; set; }

    public Guid? TeamId { get; set; }

    /// <summary>A dotted verb, e.g. "authtoken.create".</summary>
    public required string Action { get; set; }

    public string? TargetType { get; set; }

    public string? TargetId { get; set; }

    /// <summary>JSON with what changed (never secrets).</summary>
    public string? Details { get; set; }

    public string? ClientAddress { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }
}
