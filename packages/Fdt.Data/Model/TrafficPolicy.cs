namespace Fdt.Data.Model;

/// <summary>
/// A team's traffic policy layer: its default for every tunnel (<see cref="ReservedNameId"/> null)
/// or the policy of one reserved name. The edge composes the layers with what the agent asks for.
/// </summary>
public sealed class TrafficPolicy
{
    /// <summary>The <see cref="Key"/> of a team's default policy.</summary>
    public const string TeamKey = "team";

    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    /// <summary>The reserved name this layer belongs to; null for the team default.</summary>
    public Guid? ReservedNameId { get; set; }

    /// <summary>Unique per team: <see cref="TeamKey"/>, or the reserved name's id.</summary>
    public required string Key { get; set; }

    /// <summary>
    /// The policy as JSON (the control protocol's policy shape), with basic-auth passwords hashed
    /// and the webhook secret encrypted.
    /// </summary>
    public required string Document { get; set; }

    public DateTime UpdatedAt { get; set; }

    public Guid? UpdatedByUserId { get; set; }
}
