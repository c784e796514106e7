using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Invitations;

/// <summary>Endpoints of the invitations feature (being written).</summary>
public static class InvitationsEndpoints
{
    public static RouteGroupBuilder MapInvitationsApi(this RouteGroupBuilder v1) => v1;
}
