namespace Fdt.Data.Model;

/// <summary>Owns tunnels, names and authtokens; people belong to teams through memberships.</summary>
public sealed class Team
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>How long the inspector keeps the team's captured exchanges.</summary>
    public int InspectionRetentionDays { get; set; } = 3;

    public List<Membership> Memberships { get; set; } = [];
}
