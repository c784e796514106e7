namespace Fdt.Api.Invitations;

/// <summary>Body of <c>POST /v1/join/{token}</c> for a signed-in caller: the team joined and the role.</summary>
public sealed record JoinedTeam(Guid TeamId, string Role);
