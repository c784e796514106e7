using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.ReservedNames;

/// <summary>Endpoints of this feature (being written).</summary>
public static class ReservedNamesEndpoints
{
    public static RouteGroupBuilder MapReservedNamesApi(this RouteGroupBuilder v1) => v1;
}
