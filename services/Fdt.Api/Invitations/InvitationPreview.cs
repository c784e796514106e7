namespace Fdt.Api.Invitations;

/// <summary>Body of <c>GET /v1/join/{token}</c>: what accepting the invitation would do.</summary>
public sealed record InvitationPreview(string TeamName, string Role, string? Email, DateTime ExpiresAt);
