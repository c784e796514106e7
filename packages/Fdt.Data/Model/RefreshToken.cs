namespace Fdt.Data.Model;

/// <summary>
/// A refresh token. Each use rotates it (the old one is marked replaced); a replaced token used
/// again reveals theft, and the whole family is revoked.
/// </summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary>All tokens descending from one sign-in share a family.</summary>
    public Guid FamilyId { get; set; }

    /// <summary>SHA-256 (hex) of the token.</summary>
    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public Guid? ReplacedById { get; set; }
}
