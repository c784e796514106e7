namespace Fdt.Api.Invitations;

/// <summary>A new invitation. <see cref="Token"/> (and the <see cref="Url"/> containing it) is shown only here.</summary>
public sealed record CreatedInvitation(Guid Id, string Token, string Url, string Role, string? Email, DateTime ExpiresAt);
