namespace Fdt.Data.Model;

/// <summary>A single-use, expiring link that lets someone create an account and join a team.</summary>
public sealed class Invitation
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    /// <summary>When set, only this address may accept.</summary>
    public string? Email { get; set; }

    public TeamRole Role { get; set; }

    /// <summary>SHA-256 (hex) of the invitation token; the token itself is shown once.</summary>
    public required string TokenHash { get; set; }

    public Guid CreatedByUserId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? AcceptedAt { get; set; }

    public Guid? AcceptedByUserId { get; set; }

    public DateTime? RevokedAt { get; set; }
}
