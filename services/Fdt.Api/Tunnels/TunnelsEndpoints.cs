using System.Security.Claims;
using Fdt.Api.Events;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Fdt.Api.Tunnels;

/// <summary>The team's live tunnels across all edges.</summary>
public static class TunnelsEndpoints
{
    public static RouteGroupBuilder MapTunnelsApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/teams/{teamId:guid}/tunnels").RequireAuthorization().WithTags("Tunnels");
        group.MapGet("/", ListAsync).WithName("ListTunnels").WithSummary("Live tunnels of the team across all edges.");
        group.MapPost("/{tunnelId}/stop", StopAsync).WithName("StopTunnel").WithSummary("Stops a tunnel: the edge holding it closes it within a second and the agent is told why.");
        return v1;
    }

    private static async Task<Results<Ok<List<TunnelView>>, ProblemHttpResult>> ListAsync(Guid teamId, ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Viewer, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Viewer);
        }

        return TypedResults.Ok(await TunnelOperations.ListAsync(db, teamId, cancellationToken));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> StopAsync(
        Guid teamId, string tunnelId, ClaimsPrincipal user, HttpContext context, FdtDbContext db, AuditLog audit, IControlPlaneEvents events, TimeProvider time, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Member, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Member);
        }

        var record = CallerAudit.Record(context, "tunnel.stop");
        return await TunnelOperations.StopAsync(db, audit, events, time, teamId, tunnelId, record, user.GetUserId(), null, cancellationToken)
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(statusCode: 404, title: "Tunnel not found", detail: "The team has no live tunnel with this id.");
    }
}
