using System.Security.Claims;
using Fdt.Api.Events;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Fdt.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.ReservedNames;

/// <summary>Names a team reserves: only its agents may bind <c>NAME.&lt;base-domain&gt;</c>.</summary>
public static class ReservedNamesEndpoints
{
    public sealed record ReserveRequest(string? Name);

    public sealed record ReservedNameView(Guid Id, string Name, DateTime CreatedAt);

    public static RouteGroupBuilder MapReservedNamesApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/teams/{teamId:guid}/reserved-names").RequireAuthorization().WithTags("Reserved names");
        group.MapGet("/", ListAsync).WithName("ListReservedNames");
        group.MapPost("/", ReserveAsync).WithName("ReserveName").WithSummary("Reserves a name for the team's agents.");
        group.MapDelete("/{reservationId:guid}", ReleaseAsync).WithName("ReleaseName");
        return v1;
    }

    private static async Task<Results<Ok<List<ReservedNameView>>, ProblemHttpResult>> ListAsync(Guid teamId, ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Viewer, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Viewer);
        }

        return TypedResults.Ok(await db.ReservedNames.Where(r => r.TeamId == teamId).OrderBy(r => r.Name)
            .Select(r => new ReservedNameView(r.Id, r.Name, r.CreatedAt)).ToListAsync(cancellationToken));
    }

    private static async Task<Results<Created<ReservedNameView>, ValidationProblem, ProblemHttpResult>> ReserveAsync(
        Guid teamId, ReserveRequest request, ClaimsPrincipal user, HttpContext context, FdtDbContext db, AuditLog audit, IControlPlaneEvents events, TimeProvider time, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Admin, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Admin);
        }

        if (!TunnelNames.TryNormalize(request.Name?.Trim(), TunnelNames.DefaultMinLength, TunnelNames.DefaultReservedWords, out var name, out var error))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [error] });
        }

        if (await db.ReservedNames.AnyAsync(r => r.Name == name, cancellationToken))
        {
            return TypedResults.Problem(statusCode: 409, title: "Name already reserved", detail: $"'{name}' is reserved already.");
        }

        var reservation = new ReservedName { Id = Guid.NewGuid(), TeamId = teamId, Name = name, CreatedAt = time.GetStoredUtcNow() };
        db.ReservedNames.Add(reservation);
        try
        {
            await audit.SaveWithAuditAsync(db, Record(context, teamId, "name.reserve", reservation), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone reserved it at the same moment (unique index).
            return TypedResults.Problem(statusCode: 409, title: "Name already reserved", detail: $"'{name}' is reserved already.");
        }

        await events.ReservationsChangedAsync(cancellationToken);
        return TypedResults.Created($"/v1/teams/{teamId}/reserved-names/{reservation.Id}", new ReservedNameView(reservation.Id, reservation.Name, reservation.CreatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReleaseAsync(
        Guid teamId, Guid reservationId, ClaimsPrincipal user, HttpContext context, FdtDbContext db, AuditLog audit, IControlPlaneEvents events, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Admin, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Admin);
        }

        var reservation = await db.ReservedNames.SingleOrDefaultAsync(r => r.Id == reservationId && r.TeamId == teamId, cancellationToken);
        if (reservation is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "Reservation not found");
        }

        db.ReservedNames.Remove(reservation);
        await audit.SaveWithAuditAsync(db, Record(context, teamId, "name.release", reservation), cancellationToken);
        await events.ReservationsChangedAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static AuditRecord Record(HttpContext context, Guid teamId, string action, ReservedName reservation)
        => CallerAudit.Record(context, action, teamId, "reserved-name", reservation.Id.ToString("D"), new { name = reservation.Name });
}
