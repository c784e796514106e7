using Fdt.Api.Admin;
using Fdt.Api.Agents;
using Fdt.Api.Auth;
using Fdt.Api.Authtokens;
using Fdt.Api.Certificates;
using Fdt.Api.Device;
using Fdt.Api.Inspection;
using Fdt.Api.Invitations;
using Fdt.Api.Policies;
using Fdt.Api.ReservedNames;
using Fdt.Api.Setup;
using Fdt.Api.Teams;
using Fdt.Api.Tunnels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Fdt.Api;

/// <summary>Maps the API's endpoints.</summary>
public static class ApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/v1/...</c>, the OpenAPI document at <c>/openapi/v1.json</c> and, unless the console
    /// serves its own, the plain device approval page at <c>/activate</c> and first-run page at <c>/setup</c>.
    /// </summary>
    public static RouteGroupBuilder MapFdtApi(this IEndpointRouteBuilder endpoints, bool activatePage = true, bool setupPage = true)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        var v1 = endpoints.MapGroup("/v1");
        v1.MapSetupApi();
        v1.MapAuthApi();
        v1.MapInvitationsApi();
        v1.MapTeamsApi();
        v1.MapAuthtokensApi();
        v1.MapAgentTokenApi();
        v1.MapDeviceApi();
        v1.MapTunnelsApi();
        v1.MapReservedNamesApi();
        v1.MapCertificatesApi();
        v1.MapPoliciesApi();
        v1.MapRequestsApi();
        v1.MapAdminApi();
        if (activatePage)
        {
            endpoints.MapActivatePage();
        }

        if (setupPage)
        {
            endpoints.MapSetupPage();
        }

        return v1;
    }
}
