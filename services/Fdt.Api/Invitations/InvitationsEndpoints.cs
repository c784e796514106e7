using System.Text.Json;
using Fdt.Api.Auth;
using Fdt.Api.Security;
using Fdt.Api.Teams;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Invitations;

/// <summary>
/// Invitation links: team admins create them (single use, expiring, optionally bound to one
/// email address), and anyone holding one joins the team with it, creating an account on the way
/// when they have none.
/// </summary>
public static class InvitationsEndpoints
{
    public const string TokenPrefix = "fdt_inv_";

    public static RouteGroupBuilder MapInvitationsApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var invitations = v1.MapGroup("/teams/{teamId:guid}/invitations").WithTags("Invitations").RequireAuthorization();
        invitations.MapPost("/", CreateAsync)
            .WithName("CreateInvitation")
            .WithSummary("Creates an invitation link (admin); the token is shown once.");
        invitations.MapGet("/", ListAsync)
            .WithName("ListInvitations")
            .WithSummary("The team's invitations, without tokens (admin).");
        invitations.MapDelete("/{invitationId:guid}", RevokeAsync)
            .WithName("RevokeInvitation")
            .WithSummary("Revokes an invitation that was not accepted yet (admin).");

        var join = v1.MapGroup("/join").WithTags("Invitations");
        join.MapGet("/{token}", PreviewAsync)
            .WithName("GetInvitationByToken")
            .WithSummary("What an invitation link grants; 404 when it is unknown, used, revoked or expired.");
        join.MapPost("/{token}", AcceptAsync)
            .WithName("AcceptInvitation")
            .WithSummary("Accepts an invitation: signed in, joins the team; anonymous, creates the account too.")
            .RequireRateLimiting(ApiServiceCollectionExtensions.CredentialsRateLimit);
        return v1;
    }

    internal static async Task<Results<Created<CreatedInvitation>, ValidationProblem, ProblemHttpResult>> CreateAsync(Guid teamId, CreateInvitationRequest request, [AsParameters] IdentityServices services)
    {
        var (outcome, callerRole) = await TeamAccess.CheckAsync(services.Db, services.Http.User, teamId, TeamRole.Admin, services.Aborted);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return TeamsEndpoints.Refuse(outcome, TeamRole.Admin);
        }

        var input = new InputValidation();
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : input.Email("email", request.Email);
        var role = input.Role("role", request.Role);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        if (role > callerRole)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: $"An invitation cannot grant more than your own role ({TeamRoles.Name(callerRole)}).");
        }

        var token = Secrets.NewToken(TokenPrefix);
        var now = services.Now;
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(),
            TeamId = teamId,
            Email = email,
            Role = role,
            TokenHash = Secrets.Hash(token),
            CreatedByUserId = services.Http.User.RequireUserId(),
            CreatedAt = now,
            ExpiresAt = now + services.Options.InvitationLifetime,
        };
        services.Db.Invitations.Add(invitation);
        var details = JsonSerializer.Serialize(new { role = TeamRoles.Name(role), email, expiresAt = invitation.ExpiresAt });
        await services.Audit.SaveWithAuditAsync(services.Db, services.Record("invitation.create", null, teamId, "invitation", invitation.Id.ToString("D"), details), services.Aborted);
        var url = $"{services.PublicBaseUrl}/join/{token}";
        return TypedResults.Created(
            $"/v1/teams/{teamId:D}/invitations/{invitation.Id:D}",
            new CreatedInvitation(invitation.Id, token, url, TeamRoles.Name(role), email, invitation.ExpiresAt));
    }

    internal static async Task<Results<Ok<List<InvitationSummary>>, ProblemHttpResult>> ListAsync(Guid teamId, [AsParameters] IdentityServices services)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(services.Db, services.Http.User, teamId, TeamRole.Admin, services.Aborted);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return TeamsEndpoints.Refuse(outcome, TeamRole.Admin);
        }

        var now = services.Now;
        var rows = await services.Db.Invitations.AsNoTracking().Where(i => i.TeamId == teamId).ToListAsync(services.Aborted);
        List<InvitationSummary> invitations = [.. rows
            .OrderByDescending(i => i.CreatedAt)
            .ThenBy(i => i.Id)
            .Select(i => new InvitationSummary(i.Id, TeamRoles.Name(i.Role), i.Email, Status(i, now), i.CreatedByUserId, i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.AcceptedByUserId, i.RevokedAt))];
        return TypedResults.Ok(invitations);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid teamId, Guid invitationId, [AsParameters] IdentityServices services)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(services.Db, services.Http.User, teamId, TeamRole.Admin, services.Aborted);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return TeamsEndpoints.Refuse(outcome, TeamRole.Admin);
        }

        var invitation = await services.Db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.TeamId == teamId, services.Aborted);
        if (invitation is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Invitation not found");
        }

        if (invitation.AcceptedAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Invitation accepted", detail: "This invitation was already accepted; remove the member instead.");
        }

        if (invitation.RevokedAt is null)
        {
            invitation.RevokedAt = services.Now;
            await services.Audit.SaveWithAuditAsync(services.Db, services.Record("invitation.revoke", null, teamId, "invitation", invitationId.ToString("D")), services.Aborted);
        }

        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<InvitationPreview>, ProblemHttpResult>> PreviewAsync(string token, [AsParameters] IdentityServices services)
    {
        var invitation = await FindUsableAsync(services, token);
        if (invitation is null)
        {
            return InvitationNotFound();
        }

        var teamName = await services.Db.Teams.Where(t => t.Id == invitation.TeamId).Select(t => t.Name).SingleAsync(services.Aborted);
        return TypedResults.Ok(new InvitationPreview(teamName, TeamRoles.Name(invitation.Role), invitation.Email, invitation.ExpiresAt));
    }

    internal static async Task<Results<Created<SessionResponse>, Ok<JoinedTeam>, ValidationProblem, ProblemHttpResult>> AcceptAsync(string token, NewAccountRequest? request, [AsParameters] IdentityServices services)
    {
        var signedIn = services.Http.User.Identity?.IsAuthenticated == true;
        if (!signedIn && services.Http.Request.Headers.Authorization.Count > 0)
        {
            // A bad or expired access token must not silently turn into "create a new account".
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in", detail: "The access token is not valid. Sign in again, or send no Authorization header to create an account.");
        }

        var invitation = await FindUsableAsync(services, token);
        if (invitation is null)
        {
            return InvitationNotFound();
        }

        return signedIn ? await AcceptAsMemberAsync(invitation, services) : await AcceptWithNewAccountAsync(invitation, request, services);
    }

    private static async Task<Results<Created<SessionResponse>, Ok<JoinedTeam>, ValidationProblem, ProblemHttpResult>> AcceptWithNewAccountAsync(Invitation invitation, NewAccountRequest? request, IdentityServices services)
    {
        var input = new InputValidation();
        var email = input.Email("email", request?.Email);
        var displayName = input.DisplayName("displayName", request?.DisplayName);
        var password = input.NewPassword("password", request?.Password);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        if (invitation.Email is not null && invitation.Email != email)
        {
            return WrongEmail();
        }

        if (await Accounts.EmailExistsAsync(services, email))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email in use", detail: "An account with this email address exists. Sign in, then accept the invitation.");
        }

        var user = Accounts.NewUser(email, displayName, password, isOperator: false, services.Now);
        if (!await ClaimAsync(services, invitation.Id, user.Id))
        {
            return InvitationNotFound();
        }

        var db = services.Db;
        db.Users.Add(user);
        db.Memberships.Add(new Membership { TeamId = invitation.TeamId, UserId = user.Id, Role = invitation.Role, CreatedAt = user.CreatedAt });
        var (session, _) = Sessions.Start(services, user, familyId: Guid.NewGuid());
        try
        {
            var details = JsonSerializer.Serialize(new { role = TeamRoles.Name(invitation.Role), newAccount = true });
            await services.Audit.SaveWithAuditAsync(db, services.Record("invitation.accept", user.Id, invitation.TeamId, "invitation", invitation.Id.ToString("D"), details), services.Aborted);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            await UnclaimAsync(services, invitation.Id, user.Id);
            if (await Accounts.EmailExistsAsync(services, email))
            {
                return AuthEndpoints.EmailTaken();
            }

            throw;
        }

        return TypedResults.Created("/v1/auth/me", session);
    }

    private static async Task<Results<Created<SessionResponse>, Ok<JoinedTeam>, ValidationProblem, ProblemHttpResult>> AcceptAsMemberAsync(Invitation invitation, IdentityServices services)
    {
        var db = services.Db;
        var userId = services.Http.User.RequireUserId();
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(services.Aborted);
        if (email is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Session ended", detail: "The account no longer exists.");
        }

        if (invitation.Email is not null && invitation.Email != email)
        {
            return WrongEmail();
        }

        if (await db.Memberships.AnyAsync(m => m.TeamId == invitation.TeamId && m.UserId == userId, services.Aborted))
        {
            return AlreadyMember();
        }

        if (!await ClaimAsync(services, invitation.Id, userId))
        {
            return InvitationNotFound();
        }

        db.Memberships.Add(new Membership { TeamId = invitation.TeamId, UserId = userId, Role = invitation.Role, CreatedAt = services.Now });
        try
        {
            var details = JsonSerializer.Serialize(new { role = TeamRoles.Name(invitation.Role), newAccount = false });
            await services.Audit.SaveWithAuditAsync(db, services.Record("invitation.accept", userId, invitation.TeamId, "invitation", invitation.Id.ToString("D"), details), services.Aborted);
        }
        catch (DbUpdateException)
        {
            // Joined through another invitation at the same moment: give this one back.
            db.ChangeTracker.Clear();
            await UnclaimAsync(services, invitation.Id, userId);
            return AlreadyMember();
        }

        return TypedResults.Ok(new JoinedTeam(invitation.TeamId, TeamRoles.Name(invitation.Role)));
    }

    /// <summary>The invitation for <paramref name="token"/> if it can still be accepted; otherwise null (one answer for unknown, used, revoked and expired).</summary>
    private static async Task<Invitation?> FindUsableAsync(IdentityServices services, string token)
    {
        if (token.Length is 0 or > 128)
        {
            return null;
        }

        var hash = Secrets.Hash(token);
        var now = services.Now;
        return await services.Db.Invitations.AsNoTracking()
            .SingleOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, services.Aborted);
    }

    /// <summary>Marks the invitation accepted if it still can be: a conditional update, so that of concurrent acceptances exactly one wins.</summary>
    private static async Task<bool> ClaimAsync(IdentityServices services, Guid invitationId, Guid userId)
    {
        var now = services.Now;
        var claimed = await services.Db.Invitations
            .Where(i => i.Id == invitationId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, userId), services.Aborted);
        return claimed == 1;
    }

    /// <summary>Undoes <see cref="ClaimAsync"/> when the membership could not be saved.</summary>
    private static async Task UnclaimAsync(IdentityServices services, Guid invitationId, Guid userId)
        => await services.Db.Invitations
            .Where(i => i.Id == invitationId && i.AcceptedByUserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, (DateTime?)null).SetProperty(i => i.AcceptedByUserId, (Guid?)null), CancellationToken.None);

    private static string Status(Invitation invitation, DateTime now)
        => invitation.AcceptedAt is not null ? "accepted"
        : invitation.RevokedAt is not null ? "revoked"
        : invitation.ExpiresAt <= now ? "expired"
        : "pending";

    private static ProblemHttpResult InvitationNotFound()
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Invitation not found", detail: "The invitation link is unknown, used, revoked or expired.");

    private static ProblemHttpResult WrongEmail()
        => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invitation for another address", detail: "This invitation is for a different email address.");

    private static ProblemHttpResult AlreadyMember()
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already a member", detail: "You are already a member of this team.");
}
