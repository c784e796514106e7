using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Authtokens;

/// <summary>Endpoints of this feature (being written).</summary>
public static class AuthtokensEndpoints
{
    public static RouteGroupBuilder MapAuthtokensApi(this RouteGroupBuilder v1) => v1;
}
