namespace Fdt.Api.Teams;

/// <summary>Body of <c>PATCH /v1/teams/{teamId}/members/{userId}</c>.</summary>
public sealed record MemberRoleRequest(string? Role);
