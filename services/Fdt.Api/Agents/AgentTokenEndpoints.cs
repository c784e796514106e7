using System.Security.Claims;
using System.Text.Json;
using Fdt.Api.Events;
using Fdt.Api.Security;
using Fdt.Api.Tunnels;
using Fdt.Data;
using Fdt.Data.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fdt.Api.Agents;

/// <summary>
/// What agents (and scripts) do with an authtoken: exchange it for a short-lived agent token the
/// edge verifies offline, list and stop the team's tunnels, and revoke the token itself
/// (<c>fdt logout</c>).
/// </summary>
public static class AgentTokenEndpoints
{
    public sealed record AgentTokenResponse(string AgentToken, DateTime ExpiresAt, Guid TeamId, string TeamName, IReadOnlyList<string> ReservedNames);

    public static RouteGroupBuilder MapAgentTokenApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/agent")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AuthtokenAuthenticationHandler.SchemeName })
            .WithTags("Agent");
        group.MapPost("/token", ExchangeAsync).WithName("ExchangeAuthtoken").WithSummary("Exchanges the authtoken (Bearer) for a signed agent token to present to the edge.");
        group.MapPost("/logout", LogoutAsync).WithName("RevokeOwnAuthtoken").WithSummary("Revokes the authtoken presented (fdt logout).");
        group.MapGet("/tunnels", ListTunnelsAsync).WithName("ListTeamTunnelsByAuthtoken").WithSummary("Live tunnels of the authtoken's team.");
        group.MapPost("/tunnels/{tunnelId}/stop", StopTunnelAsync).WithName("StopTunnelByAuthtoken").WithSummary("Stops one of the team's tunnels.");
        return v1;
    }

    private static async Task<Ok<AgentTokenResponse>> ExchangeAsync(ClaimsPrincipal agent, FdtDbContext db, AgentTokenIssuer issuer, IOptions<ApiOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (teamId, authtokenId) = Identify(agent);
        var now = time.GetStoredUtcNow();
        var reserved = await db.ReservedNames.Where(r => r.TeamId == teamId).OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(cancellationToken);

        // "Last used" is kept to the minute: a reconnecting fleet does not write on every exchange.
        await db.Authtokens.Where(a => a.Id == authtokenId && (a.LastUsedAt == null || a.LastUsedAt < now.AddMinutes(-1)))
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.LastUsedAt, now), cancellationToken);

        var teamName = agent.FindFirstValue(FdtClaims.TeamName) ?? "team";
        var (token, expires) = issuer.Issue(new AgentGrant(teamId, teamName, authtokenId, reserved, options.Value.MaxTunnelsPerAgent));
        return TypedResults.Ok(new AgentTokenResponse(token, expires, teamId, teamName, reserved));
    }

    private static async Task<NoContent> LogoutAsync(ClaimsPrincipal agent, HttpContext context, FdtDbContext db, AuditLog audit, IControlPlaneEvents events, TimeProvider time, CancellationToken cancellationToken)
    {
        var (teamId, authtokenId) = Identify(agent);
        var token = await db.Authtokens.SingleAsync(a => a.Id == authtokenId, cancellationToken);
        token.RevokedAt = time.GetStoredUtcNow();
        await audit.SaveWithAuditAsync(
            db,
            new AuditRecord
            {
                ActorKind = "agent",
                TeamId = teamId,
                Action = "authtoken.revoke",
                TargetType = "authtoken",
                TargetId = authtokenId.ToString("D"),
                Details = JsonSerializer.Serialize(new { prefix = token.Prefix, by = "itself" }),
                ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
            },
            cancellationToken);
        await events.AuthtokenRevokedAsync(authtokenId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<TunnelView>>> ListTunnelsAsync(ClaimsPrincipal agent, FdtDbContext db, CancellationToken cancellationToken)
        => TypedResults.Ok(await TunnelOperations.ListAsync(db, Identify(agent).TeamId, cancellationToken));

    private static async Task<Results<Accepted, ProblemHttpResult>> StopTunnelAsync(
        string tunnelId, ClaimsPrincipal agent, HttpContext context, FdtDbContext db, AuditLog audit, IControlPlaneEvents events, TimeProvider time, CancellationToken cancellationToken)
    {
        var (teamId, authtokenId) = Identify(agent);
        var record = new AuditRecord { ActorKind = "agent", Action = "tunnel.stop", ClientAddress = context.Connection.RemoteIpAddress?.ToString() };
        return await TunnelOperations.StopAsync(db, audit, events, time, teamId, tunnelId, record, null, authtokenId, cancellationToken)
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(statusCode: 404, title: "Tunnel not found", detail: "The team has no live tunnel with this id.");
    }

    private static (Guid TeamId, Guid AuthtokenId) Identify(ClaimsPrincipal agent)
        => (Guid.Parse(agent.FindFirstValue(FdtClaims.Team)!, System.Globalization.CultureInfo.InvariantCulture), Guid.Parse(agent.FindFirstValue(FdtClaims.Authtoken)!, System.Globalization.CultureInfo.InvariantCulture));
}
