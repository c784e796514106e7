using System.Security.Claims;
using Fdt.Api.Auth;
using Fdt.Api.Events;
using Fdt.Api.Security;
using Fdt.Api.Tunnels;
using Fdt.Data;
using Fdt.Data.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Fdt.Api.Admin;

/// <summary>
/// The operators' API (<c>/v1/admin</c>, operator policy): every user, tunnel, edge, name and
/// audit event of the installation. These are the only cross-tenant reads; every change made here
/// is audited as <c>admin.*</c> with the operator as actor.
/// </summary>
public static class AdminEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public sealed record UserView(Guid Id, string Email, string DisplayName, bool IsOperator, bool IsDisabled, DateTime? LockedUntil, DateTime CreatedAt, int Teams);

    public sealed record UserPage(IReadOnlyList<UserView> Items, int Total);

    /// <summary>Changes to a user; absent fields stay as they are.</summary>
    public sealed record UserUpdate(bool? Disabled, bool? Operator);

    public sealed record AdminTunnelView(string Id, Guid TeamId, string TeamName, string Name, string Protocol, string Url, string? LocalAddress, string? ClientAddress, string Edge, DateTime StartedAt, long Requests, long BytesIn, long BytesOut, bool Stopping);

    public sealed record EdgeView(string Id, string Version, string? Address, DateTime StartedAt, DateTime LastHeartbeatAt, DateTime? StoppedAt, bool Healthy, int Tunnels);

    public sealed record NameView(Guid Id, string Name, Guid TeamId, string TeamName, DateTime CreatedAt);

    public sealed record DomainView(string Domain, string Subject, DateTime NotAfter, DateTime UpdatedAt);

    public sealed record NamesView(IReadOnlyList<NameView> Names, IReadOnlyList<DomainView> Domains);

    public sealed record AuditView(long Id, DateTime OccurredAt, string ActorKind, Guid? ActorUserId, string? ActorEmail, Guid? TeamId, string Action, string? TargetType, string? TargetId, string? Details, string? ClientAddress);

    public sealed record AuditPage(IReadOnlyList<AuditView> Items, long? NextBefore, bool ChainVerified, long? FirstBrokenEventId);

    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var admin = v1.MapGroup("/admin").RequireAuthorization(ApiServiceCollectionExtensions.OperatorPolicy).WithTags("Admin");
        admin.MapGet("/users", ListUsersAsync).WithName("AdminListUsers").WithSummary("Every user, searched by email or name.");
        admin.MapPatch("/users/{userId:guid}", UpdateUserAsync).WithName("AdminUpdateUser").WithSummary("Disables or enables a user, makes or unmakes an operator.");
        admin.MapPost("/users/{userId:guid}/reset-sessions", ResetSessionsAsync).WithName("AdminResetSessions").WithSummary("Ends every session of a user (console, API tokens, refresh tokens).");
        admin.MapGet("/tunnels", ListTunnelsAsync).WithName("AdminListTunnels").WithSummary("Every live tunnel on every edge, with its team and counters.");
        admin.MapPost("/tunnels/{tunnelId}/stop", StopTunnelAsync).WithName("AdminStopTunnel").WithSummary("Stops any team's tunnel; the agent is told an operator stopped it.");
        admin.MapGet("/edges", ListEdgesAsync).WithName("AdminListEdges").WithSummary("Edge nodes, their heartbeats and tunnels.");
        admin.MapGet("/names", ListNamesAsync).WithName("AdminListNames").WithSummary("Reserved names of every team, and the domains with uploaded certificates.");
        admin.MapGet("/audit", ListAuditAsync).WithName("AdminListAudit").WithSummary("The audit log, newest first, filtered; says whether the hash chain verifies.");
        return v1;
    }

    private static async Task<Results<Ok<UserPage>, ValidationProblem>> ListUsersAsync(FdtDbContext db, CancellationToken cancellationToken, string? q = null, int? offset = null, int? limit = null)
    {
        var take = limit ?? DefaultLimit;
        var skip = offset ?? 0;
        if (take is < 1 or > MaxLimit || skip < 0 || (q?.Length ?? 0) > 320)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit between 1 and {MaxLimit}, offset 0 or more, q at most 320 characters."] });
        }

        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim().ToLowerInvariant();
#pragma warning disable CA1862 // Translated to SQL: lower() on both sides is the portable case-insensitive match.
            query = query.Where(u => u.Email.Contains(term) || u.DisplayName.ToLower().Contains(term));
#pragma warning restore CA1862
        }

        var total = await query.CountAsync(cancellationToken);
        var users = await query.OrderBy(u => u.Email).Skip(skip).Take(take)
            .Select(u => new UserView(u.Id, u.Email, u.DisplayName, u.IsOperator, u.IsDisabled, u.LockedUntil, u.CreatedAt, u.Memberships.Count))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new UserPage(users, total));
    }

    private static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> UpdateUserAsync(
        Guid userId, UserUpdate update, ClaimsPrincipal caller, HttpContext context, FdtDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        if (update.Disabled is null && update.Operator is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["disabled"] = ["Give disabled, operator, or both."] });
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "User not found");
        }

        var self = caller.GetUserId() == userId;
        if (self && (update.Disabled == true || update.Operator == false))
        {
            return TypedResults.Problem(statusCode: 409, title: "Not on yourself", detail: "Operators cannot disable or demote themselves; ask another operator.");
        }

        var losesOperator = user.IsOperator && !user.IsDisabled && (update.Disabled == true || update.Operator == false);
        if (losesOperator && !await db.Users.AnyAsync(u => u.Id != userId && u.IsOperator && !u.IsDisabled, cancellationToken))
        {
            return TypedResults.Problem(statusCode: 409, title: "Last operator", detail: "The server needs at least one enabled operator.");
        }

        var changes = new List<(string Action, object Details)>();
        if (update.Disabled is { } disabled && disabled != user.IsDisabled)
        {
            user.IsDisabled = disabled;
            if (disabled)
            {
                // Disabling ends every session at once (the stamp is in access tokens and console cookies).
                user.SecurityStamp = Accounts.NewSecurityStamp();
                await RevokeRefreshTokensAsync(db, userId, context, cancellationToken);
            }

            changes.Add((disabled ? "admin.user.disable" : "admin.user.enable", new { email = user.Email }));
        }

        if (update.Operator is { } isOperator && isOperator != user.IsOperator)
        {
            user.IsOperator = isOperator;
            changes.Add(("admin.user.operator", new { email = user.Email, isOperator }));
        }

        if (changes.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        foreach (var (action, details) in changes)
        {
            await audit.SaveWithAuditAsync(db, CallerAudit.Record(context, action, null, "user", userId.ToString("D"), details), cancellationToken);
        }

        return TypedResults.Ok(await UserAsync(db, userId, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetSessionsAsync(Guid userId, HttpContext context, FdtDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "User not found");
        }

        user.SecurityStamp = Accounts.NewSecurityStamp();
        var revoked = await RevokeRefreshTokensAsync(db, userId, context, cancellationToken);
        await audit.SaveWithAuditAsync(db, CallerAudit.Record(context, "admin.user.reset_sessions", null, "user", userId.ToString("D"), new { email = user.Email, refreshTokens = revoked }), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<AdminTunnelView>>> ListTunnelsAsync(FdtDbContext db, CancellationToken cancellationToken, string? q = null)
    {
        var query = db.TunnelSessions.AsNoTracking().Where(t => t.EndedAt == null);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim().ToLowerInvariant();
            query = query.Where(t => t.Name.Contains(term) || t.Url.Contains(term));
        }

        var tunnels = await query
            .Join(db.Teams, t => t.TeamId, team => team.Id, (t, team) => new { t, TeamName = team.Name })
            .OrderBy(x => x.t.StartedAt)
            .Take(1000)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(tunnels.ConvertAll(x => new AdminTunnelView(
            x.t.Id, x.t.TeamId, x.TeamName, x.t.Name, x.t.Protocol, x.t.Url, x.t.LocalAddress, x.t.ClientAddress, x.t.EdgeNodeId, x.t.StartedAt, x.t.Requests, x.t.BytesIn, x.t.BytesOut, x.t.StopRequestedAt != null)));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> StopTunnelAsync(
        string tunnelId, ClaimsPrincipal caller, HttpContext context, FdtDbContext db, AuditLog audit, IControlPlaneEvents events, TimeProvider time, CancellationToken cancellationToken)
    {
        var teamId = await db.TunnelSessions.Where(t => t.Id == tunnelId && t.EndedAt == null).Select(t => (Guid?)t.TeamId).SingleOrDefaultAsync(cancellationToken);
        if (teamId is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "Tunnel not found", detail: "No live tunnel has this id.");
        }

        var record = CallerAudit.Record(context, "admin.tunnel.stop");
        return await TunnelOperations.StopAsync(db, audit, events, time, teamId.Value, tunnelId, record, caller.GetUserId(), null, cancellationToken, action: "admin.tunnel.stop")
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(statusCode: 404, title: "Tunnel not found", detail: "No live tunnel has this id.");
    }

    private static async Task<Ok<List<EdgeView>>> ListEdgesAsync(FdtDbContext db, IConfiguration configuration, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadAfter = configuration.GetValue("ControlPlane:EdgeDeadAfter", TimeSpan.FromSeconds(60));
        var now = time.GetStoredUtcNow();
        var edges = await db.EdgeNodes.AsNoTracking().OrderByDescending(e => e.StoppedAt == null).ThenByDescending(e => e.LastHeartbeatAt).Take(200).ToListAsync(cancellationToken);
        var counts = await db.TunnelSessions.AsNoTracking().Where(t => t.EndedAt == null).GroupBy(t => t.EdgeNodeId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return TypedResults.Ok(edges.ConvertAll(e => new EdgeView(
            e.Id, e.Version, e.Address, e.StartedAt, e.LastHeartbeatAt, e.StoppedAt, e.StoppedAt is null && now - e.LastHeartbeatAt < deadAfter, counts.GetValueOrDefault(e.Id))));
    }

    private static async Task<Ok<NamesView>> ListNamesAsync(FdtDbContext db, CancellationToken cancellationToken)
    {
        var names = await db.ReservedNames.AsNoTracking()
            .Join(db.Teams, n => n.TeamId, t => t.Id, (n, t) => new { n.Id, n.Name, n.TeamId, TeamName = t.Name, n.CreatedAt })
            .OrderBy(n => n.Name).Take(1000)
            .Select(n => new NameView(n.Id, n.Name, n.TeamId, n.TeamName, n.CreatedAt))
            .ToListAsync(cancellationToken);
        var domains = await db.Certificates.AsNoTracking().OrderBy(c => c.Domain)
            .Select(c => new DomainView(c.Domain, c.Subject, c.NotAfter, c.UpdatedAt)).Take(1000).ToListAsync(cancellationToken);
        return TypedResults.Ok(new NamesView(names, domains));
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAuditAsync(
        FdtDbContext db, CancellationToken cancellationToken, string? actor = null, string? action = null, Guid? teamId = null, DateTime? from = null, DateTime? to = null, long? before = null, int? limit = null)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"Between 1 and {MaxLimit}."] });
        }

        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor))
        {
            var term = actor.Trim().ToLowerInvariant();
            if (Guid.TryParse(term, out var actorId))
            {
                query = query.Where(e => e.ActorUserId == actorId);
            }
            else
            {
                var ids = db.Users.Where(u => u.Email.Contains(term)).Select(u => (Guid?)u.Id);
                query = query.Where(e => ids.Contains(e.ActorUserId));
            }
        }

        if (!string.IsNullOrWhiteSpace(action))
        {
            var prefix = action.Trim();
            query = query.Where(e => e.Action.StartsWith(prefix));
        }

        if (teamId is { } team)
        {
            query = query.Where(e => e.TeamId == team);
        }

        if (from is { } after)
        {
            var since = after.ToUniversalTime();
            query = query.Where(e => e.OccurredAt >= since);
        }

        if (to is { } until)
        {
            var end = until.ToUniversalTime();
            query = query.Where(e => e.OccurredAt < end);
        }

        if (before is { } cursor)
        {
            query = query.Where(e => e.Id < cursor);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1)
            .GroupJoin(db.Users, e => e.ActorUserId, u => (Guid?)u.Id, (e, users) => new { e, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new AuditView(x.e.Id, x.e.OccurredAt, x.e.ActorKind, x.e.ActorUserId, u == null ? null : u.Email, x.e.TeamId, x.e.Action, x.e.TargetType, x.e.TargetId, x.e.Details, x.e.ClientAddress))
            .ToListAsync(cancellationToken);
        rows = [.. rows.OrderByDescending(r => r.Id)];
        var page = rows.Take(take).ToList();
        var broken = await AuditLog.VerifyAsync(db, cancellationToken);
        return TypedResults.Ok(new AuditPage(page, rows.Count > take ? page[^1].Id : null, broken is null, broken));
    }

    private static async Task<int> RevokeRefreshTokensAsync(FdtDbContext db, Guid userId, HttpContext context, CancellationToken cancellationToken)
    {
        var now = context.RequestServices.GetService(typeof(TimeProvider)) is TimeProvider time ? time.GetStoredUtcNow() : DateTime.UtcNow;
        var tokens = await db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null).ToListAsync(cancellationToken);
        foreach (var token in tokens)
        {
            token.RevokedAt = now;
        }

        return tokens.Count;
    }

    private static Task<UserView> UserAsync(FdtDbContext db, Guid userId, CancellationToken cancellationToken) => db.Users.AsNoTracking().Where(u => u.Id == userId)
        .Select(u => new UserView(u.Id, u.Email, u.DisplayName, u.IsOperator, u.IsDisabled, u.LockedUntil, u.CreatedAt, u.Memberships.Count))
        .SingleAsync(cancellationToken);
}
