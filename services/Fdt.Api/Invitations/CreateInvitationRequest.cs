namespace Fdt.Api.Invitations;

/// <summary>Body of <c>POST /v1/teams/{teamId}/invitations</c>: the role to grant and, optionally, the only address that may accept.</summary>
public sealed record CreateInvitationRequest(string? Email, string? Role);
