namespace Fdt.Data.Audit;

/// <summary>What happened, as a caller describes it for <see cref="AuditLog"/>.</summary>
public sealed record AuditRecord
{
    /// <summary>"user", "operator", "agent" or "system".</summary>
    public required string ActorKind { get; init; }

    public Guid? ActorUserId { get; init; }

    public Guid? TeamId { get; init; }

    /// <summary>A dotted verb, e.g. "authtoken.create".</summary>
    public required string Action { get; init; }

    public string? TargetType { get; init; }

    public string? TargetId { get; init; }

    /// <summary>JSON; never secrets.</summary>
    public string? Details { get; init; }

    public string? ClientAddress { get; init; }
}
