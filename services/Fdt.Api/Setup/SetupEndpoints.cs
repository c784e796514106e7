using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Setup;

/// <summary>Endpoints of the setup feature (being written).</summary>
public static class SetupEndpoints
{
    public static RouteGroupBuilder MapSetupApi(this RouteGroupBuilder v1) => v1;
}
