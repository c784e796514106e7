using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Auth;

/// <summary>Endpoints of the auth feature (being written).</summary>
public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder v1) => v1;
}
