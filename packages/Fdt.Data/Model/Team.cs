namespace Fdt.Data.Model;

/// <summary>Owns tunnels, names and authtokens; people belong to teams through memberships.</summary>
public sealed class Team
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<Membership> Memberships { get; set; } = [];
}
