namespace Fdt.Api.Teams;

/// <summary>Body of <c>POST /v1/teams</c> and <c>PATCH /v1/teams/{teamId}</c>.</summary>
public sealed record TeamNameRequest(string? Name);
