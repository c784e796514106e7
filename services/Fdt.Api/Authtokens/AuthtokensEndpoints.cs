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
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Authtokens;

/// <summary>A team's authtokens: created (the secret is shown once), listed, revoked.</summary>
public static class AuthtokensEndpoints
{
    public sealed record CreateRequest(string? Description);

    public sealed record Created(Guid Id, string Description, string Prefix, string Token, DateTime CreatedAt);

    public sealed record AuthtokenView(Guid Id, string Description, string Prefix, Guid? CreatedByUserId, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

    public static RouteGroupBuilder MapAuthtokensApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/teams/{teamId:guid}/authtokens").RequireAuthorization().WithTags("Authtokens");
        group.MapGet("/", ListAsync).WithName("ListAuthtokens").WithSummary("The team's authtokens (never their secrets).");
        group.MapPost("/", CreateAsync).WithName("CreateAuthtoken").WithSummary("Creates an authtoken; the response holds the secret, shown only this once.");
        group.MapDelete("/{authtokenId:guid}", RevokeAsync).WithName("RevokeAuthtoken").WithSummary("Revokes an authtoken; its agents are disconnected within seconds.");
        return v1;
    }

    private static async Task<Results<Ok<List<AuthtokenView>>, ProblemHttpResult>> ListAsync(Guid teamId, ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Viewer, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Viewer);
        }

        var tokens = await db.Authtokens.Where(a => a.TeamId == teamId).OrderBy(a => a.CreatedAt)
            .Select(a => new AuthtokenView(a.Id, a.Description, a.Prefix, a.CreatedByUserId, a.CreatedAt, a.LastUsedAt, a.RevokedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(tokens);
    }

    private static async Task<Results<Created<Created>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid teamId, CreateRequest request, ClaimsPrincipal user, HttpContext context, FdtDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Member, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Member);
        }

        var description = (request.Description ?? string.Empty).Trim();
        if (description.Length is 0 or > 200 || description.Any(char.IsControl))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["description"] = ["Give a description of 1 to 200 characters without control characters (where the token is used)."] });
        }

        var (token, secret) = AuthtokenService.Create(db, teamId, user.GetUserId(), description, time.GetStoredUtcNow());
        await audit.SaveWithAuditAsync(db, Record(context, teamId, "authtoken.create", token), cancellationToken);
        return TypedResults.Created($"/v1/teams/{teamId}/authtokens/{token.Id}", new Created(token.Id, token.Description, token.Prefix, secret, token.CreatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid teamId, Guid authtokenId, ClaimsPrincipal user, HttpContext context, FdtDbContext db, AuditLog audit, IControlPlaneEvents events, TimeProvider time, CancellationToken cancellationToken)
    {
        var (outcome, role) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Member, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Member);
        }

        var token = await db.Authtokens.SingleOrDefaultAsync(a => a.Id == authtokenId && a.TeamId == teamId, cancellationToken);
        if (token is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "Authtoken not found");
        }

        if (role < TeamRole.Admin && token.CreatedByUserId != user.GetUserId())
        {
            return TypedResults.Problem(statusCode: 403, title: "Not allowed", detail: "Members may revoke their own authtokens; revoking others' needs the admin role.");
        }

        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetStoredUtcNow();
            await audit.SaveWithAuditAsync(db, Record(context, teamId, "authtoken.revoke", token), cancellationToken);
            await events.AuthtokenRevokedAsync(token.Id, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static AuditRecord Record(HttpContext context, Guid teamId, string action, Authtoken token)
        => CallerAudit.Record(context, action, teamId, "authtoken", token.Id.ToString("D"), new { prefix = token.Prefix, description = token.Description });
}
