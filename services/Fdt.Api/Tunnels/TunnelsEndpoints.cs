using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Tunnels;

/// <summary>Endpoints of this feature (being written).</summary>
public static class TunnelsEndpoints
{
    public static RouteGroupBuilder MapTunnelsApi(this RouteGroupBuilder v1) => v1;
}
