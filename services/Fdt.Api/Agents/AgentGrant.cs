namespace Fdt.Api.Agents;

/// <summary>What an agent token grants: the team, the authtoken it came from, the team's reserved names and limits.</summary>
public sealed record AgentGrant(Guid TeamId, string TeamName, Guid AuthtokenId, IReadOnlyList<string> ReservedNames, int MaxTunnels);
