using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Device;

/// <summary>Endpoints of this feature (being written).</summary>
public static class DeviceEndpoints
{
    public static RouteGroupBuilder MapDeviceApi(this RouteGroupBuilder v1) => v1;

    public static IEndpointRouteBuilder MapActivatePage(this IEndpointRouteBuilder endpoints) => endpoints;
}
