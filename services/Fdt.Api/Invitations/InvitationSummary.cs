namespace Fdt.Api.Invitations;

/// <summary>An invitation as listed to team admins (never with its token).</summary>
/// <param name="Status">pending, accepted, revoked or expired.</param>
public sealed record InvitationSummary(
    Guid Id,
    string Role,
    string? Email,
    string Status,
    Guid CreatedByUserId,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    DateTime? AcceptedAt,
    Guid? AcceptedByUserId,
    DateTime? RevokedAt);
