namespace Fdt.Api.Teams;

/// <summary>A member of a team.</summary>
public sealed record MemberSummary(Guid UserId, string Email, string DisplayName, string Role, DateTime JoinedAt);
