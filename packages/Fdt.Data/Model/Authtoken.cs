namespace Fdt.Data.Model;

/// <summary>A long-lived credential for agents, owned by a team. Only its hash is stored.</summary>
public sealed class Authtoken
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    public Guid? CreatedByUserId { get; set; }

    public required string Description { get; set; }

    /// <summary>The first characters of the secret, shown in lists to recognise it.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 (hex) of the secret.</summary>
    public required string SecretHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
