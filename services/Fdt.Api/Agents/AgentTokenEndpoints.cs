using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Agents;

/// <summary>Endpoints of this feature (being written).</summary>
public static class AgentTokenEndpoints
{
    public static RouteGroupBuilder MapAgentTokenApi(this RouteGroupBuilder v1) => v1;
}
