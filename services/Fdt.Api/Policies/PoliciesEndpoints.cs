using System.Security.Claims;
using System.Text;
using Fdt.Api.Events;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Fdt.Protocol.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Policies;

/// <summary>
/// Traffic policy layers a team sets: its default for every tunnel, and one per reserved name.
/// The edge composes them with what each agent asks for (docs/policy.md) and applies a change to
/// live tunnels at once, without reconnecting them. Basic-auth passwords are stored hashed and
/// webhook secrets encrypted; reads return the hashes and never the secret.
/// </summary>
public static class PoliciesEndpoints
{
    /// <summary>What reads show instead of a webhook secret; sending it back keeps the stored secret.</summary>
    public const string StoredSecret = "(stored)";

    /// <summary>A policy layer as the API shows it.</summary>
    public sealed record PolicyView(TunnelPolicyRequest? Policy, DateTime? UpdatedAt);

    public static RouteGroupBuilder MapPoliciesApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var team = v1.MapGroup("/teams/{teamId:guid}/policy").RequireAuthorization().WithTags("Traffic policy");
        team.MapGet("/", GetTeamAsync).WithName("GetTeamPolicy").WithSummary("The team's default traffic policy (applies to all its tunnels).");
        team.MapPut("/", PutTeamAsync).WithName("SetTeamPolicy").WithSummary("Replaces the team's default traffic policy; live tunnels pick it up at once.");
        team.MapDelete("/", DeleteTeamAsync).WithName("DeleteTeamPolicy");

        var name = v1.MapGroup("/teams/{teamId:guid}/reserved-names/{reservationId:guid}/policy").RequireAuthorization().WithTags("Traffic policy");
        name.MapGet("/", GetNameAsync).WithName("GetReservedNamePolicy").WithSummary("The traffic policy of one reserved name.");
        name.MapPut("/", PutNameAsync).WithName("SetReservedNamePolicy").WithSummary("Replaces a reserved name's traffic policy; its live tunnel picks it up at once.");
        name.MapDelete("/", DeleteNameAsync).WithName("DeleteReservedNamePolicy");
        return v1;
    }

    private static Task<Results<Ok<PolicyView>, ProblemHttpResult>> GetTeamAsync(Guid teamId, ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken)
        => GetAsync(teamId, null, user, db, cancellationToken);

    private static Task<Results<Ok<PolicyView>, ProblemHttpResult>> GetNameAsync(Guid teamId, Guid reservationId, ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken)
        => GetAsync(teamId, reservationId, user, db, cancellationToken);

    private static Task<Results<Ok<PolicyView>, ValidationProblem, ProblemHttpResult>> PutTeamAsync(Guid teamId, TunnelPolicyRequest policy, [AsParameters] PolicyServices services)
        => PutAsync(teamId, null, policy, services);

    private static Task<Results<Ok<PolicyView>, ValidationProblem, ProblemHttpResult>> PutNameAsync(Guid teamId, Guid reservationId, TunnelPolicyRequest policy, [AsParameters] PolicyServices services)
        => PutAsync(teamId, reservationId, policy, services);

    private static Task<Results<NoContent, ProblemHttpResult>> DeleteTeamAsync(Guid teamId, [AsParameters] PolicyServices services)
        => DeleteAsync(teamId, null, services);

    private static Task<Results<NoContent, ProblemHttpResult>> DeleteNameAsync(Guid teamId, Guid reservationId, [AsParameters] PolicyServices services)
        => DeleteAsync(teamId, reservationId, services);

    private static async Task<Results<Ok<PolicyView>, ProblemHttpResult>> GetAsync(Guid teamId, Guid? reservationId, ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Viewer, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Viewer);
        }

        if (reservationId is { } id && !await db.ReservedNames.AnyAsync(r => r.Id == id && r.TeamId == teamId, cancellationToken))
        {
            return TypedResults.Problem(statusCode: 404, title: "Reservation not found");
        }

        var key = Key(reservationId);
        var stored = await db.TrafficPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.TeamId == teamId && p.Key == key, cancellationToken);
        return TypedResults.Ok(stored is null ? new PolicyView(null, null) : new PolicyView(Redact(TunnelPolicyRequest.FromJson(stored.Document)), stored.UpdatedAt));
    }

    private static async Task<Results<Ok<PolicyView>, ValidationProblem, ProblemHttpResult>> PutAsync(Guid teamId, Guid? reservationId, TunnelPolicyRequest policy, PolicyServices services)
    {
        var (db, cancellationToken) = (services.Db, services.Context.RequestAborted);
        var (outcome, _) = await TeamAccess.CheckAsync(db, services.Context.User, teamId, TeamRole.Admin, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Admin);
        }

        if (reservationId is { } id && !await db.ReservedNames.AnyAsync(r => r.Id == id && r.TeamId == teamId, cancellationToken))
        {
            return TypedResults.Problem(statusCode: 404, title: "Reservation not found");
        }

        var key = Key(reservationId);
        var stored = await db.TrafficPolicies.SingleOrDefaultAsync(p => p.TeamId == teamId && p.Key == key, cancellationToken);
        var previousSecret = stored is null ? null : TunnelPolicyRequest.FromJson(stored.Document).VerifyWebhook?.Secret;
        if (policy.VerifyWebhook is { Secret: null or StoredSecret } keep)
        {
            if (previousSecret is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["verifyWebhook.secret"] = ["Webhook verification needs the provider's signing secret."] });
            }

            // The stored secret stays; validate with a stand-in of the right shape.
            policy = policy with { VerifyWebhook = keep with { Secret = StoredSecret } };
        }

        if (policy.Validate() is { } error)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["policy"] = [error] });
        }

        var secret = policy.VerifyWebhook?.Secret switch
        {
            null => null,
            StoredSecret => previousSecret,
            var plain => ProtectSecret(services.Protector, plain, teamId),
        };
        var document = policy with
        {
            BasicAuth = policy.BasicAuth?.Select(PolicyRules.HashCredentialPair).ToList(),
            VerifyWebhook = policy.VerifyWebhook is null ? null : policy.VerifyWebhook with { Secret = secret },
        };
        var json = document.ToJson();
        if (json.Length > ControlProtocol.DefaultMaxMessageSize / 2)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["policy"] = [$"A policy may take at most {ControlProtocol.DefaultMaxMessageSize / 2} bytes."] });
        }

        var now = services.Time.GetStoredUtcNow();
        if (stored is null)
        {
            stored = new TrafficPolicy { Id = Guid.NewGuid(), TeamId = teamId, ReservedNameId = reservationId, Key = key, Document = json };
            db.TrafficPolicies.Add(stored);
        }

        stored.Document = json;
        stored.UpdatedAt = now;
        stored.UpdatedByUserId = services.Context.User.GetUserId();
        try
        {
            await services.Audit.SaveWithAuditAsync(db, CallerAudit.Record(services.Context, "policy.update", teamId, reservationId is null ? "team-policy" : "reserved-name-policy", reservationId?.ToString("D") ?? teamId.ToString("D")), cancellationToken);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem(statusCode: 409, title: "Policy changed concurrently", detail: "Someone else changed this policy at the same moment; read it again and retry.");
        }

        await services.Events.PoliciesChangedAsync(cancellationToken);
        return TypedResults.Ok(new PolicyView(Redact(document), stored.UpdatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid teamId, Guid? reservationId, PolicyServices services)
    {
        var (db, cancellationToken) = (services.Db, services.Context.RequestAborted);
        var (outcome, _) = await TeamAccess.CheckAsync(db, services.Context.User, teamId, TeamRole.Admin, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Admin);
        }

        var key = Key(reservationId);
        var stored = await db.TrafficPolicies.SingleOrDefaultAsync(p => p.TeamId == teamId && p.Key == key, cancellationToken);
        if (stored is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "No policy set");
        }

        db.TrafficPolicies.Remove(stored);
        await services.Audit.SaveWithAuditAsync(db, CallerAudit.Record(services.Context, "policy.delete", teamId, reservationId is null ? "team-policy" : "reserved-name-policy", reservationId?.ToString("D") ?? teamId.ToString("D")), cancellationToken);
        await services.Events.PoliciesChangedAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Decrypts a stored webhook secret (the edge reads documents with it).</summary>
    public static string UnprotectSecret(CertificateKeyProtector protector, string stored, Guid teamId)
    {
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(stored);
        return Encoding.UTF8.GetString(protector.Unprotect(Convert.FromBase64String(stored), SecretContext(teamId)));
    }

    private static string ProtectSecret(CertificateKeyProtector protector, string plain, Guid teamId)
        => Convert.ToBase64String(protector.Protect(Encoding.UTF8.GetBytes(plain), SecretContext(teamId)));

    private static string SecretContext(Guid teamId) => "webhook-secret:" + teamId.ToString("D");

    private static string Key(Guid? reservationId) => reservationId?.ToString("D") ?? TrafficPolicy.TeamKey;

    private static TunnelPolicyRequest Redact(TunnelPolicyRequest policy)
        => policy.VerifyWebhook is null ? policy : policy with { VerifyWebhook = policy.VerifyWebhook with { Secret = StoredSecret } };

    /// <summary>What the write endpoints need.</summary>
    public sealed record PolicyServices(HttpContext Context, FdtDbContext Db, AuditLog Audit, IControlPlaneEvents Events, CertificateKeyProtector Protector, TimeProvider Time);
}
