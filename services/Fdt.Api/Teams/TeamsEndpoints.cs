using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Teams;

/// <summary>Endpoints of the teams feature (being written).</summary>
public static class TeamsEndpoints
{
    public static RouteGroupBuilder MapTeamsApi(this RouteGroupBuilder v1) => v1;
}
