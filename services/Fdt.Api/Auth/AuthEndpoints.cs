using System.Globalization;
using System.Text.Json;
using Fdt.Api.Security;
using Fdt.Api.Teams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Auth;

/// <summary>
/// Sign-in and sessions: login (rate limit per address, lockout per account), refresh-token
/// rotation with reuse detection, logout, the caller's profile, password change, and open
/// registration.
/// </summary>
public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var auth = v1.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/login", LoginAsync)
            .WithName("Login")
            .WithSummary("Signs in with email and password; returns an access token and a refresh token.")
            .RequireRateLimiting(ApiServiceCollectionExtensions.CredentialsRateLimit);
        auth.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshSession")
            .WithSummary("Exchanges a refresh token for a new pair; the presented token is used up.")
            .RequireRateLimiting(ApiServiceCollectionExtensions.CredentialsRateLimit);
        auth.MapPost("/logout", LogoutAsync)
            .WithName("Logout")
            .WithSummary("Ends the session the refresh token belongs to.");
        auth.MapGet("/me", GetMeAsync)
            .WithName("GetMe")
            .WithSummary("The signed-in user and their teams.")
            .RequireAuthorization();
        auth.MapPatch("/me", UpdateMeAsync)
            .WithName("UpdateMe")
            .WithSummary("Changes the caller's display name.")
            .RequireAuthorization();
        auth.MapPost("/password", ChangePasswordAsync)
            .WithName("ChangePassword")
            .WithSummary("Changes the caller's password and ends all their sessions.")
            .RequireAuthorization()
            .RequireRateLimiting(ApiServiceCollectionExtensions.CredentialsRateLimit);
        auth.MapPost("/register", RegisterAsync)
            .WithName("Register")
            .WithSummary("Creates an account and a team it owns (only when registration is open).")
            .RequireRateLimiting(ApiServiceCollectionExtensions.CredentialsRateLimit);
        return v1;
    }

    internal static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(LoginRequest request, [AsParameters] IdentityServices services)
    {
        var input = new InputValidation();
        var email = input.Email("email", request.Email);
        var password = input.GivenPassword("password", request.Password);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        var (user, problem) = await CheckCredentialsAsync(services, email, password);
        if (problem is not null)
        {
            return problem;
        }

        var db = services.Db;
        var target = user!.Id.ToString("D");
        var (session, _) = Sessions.Start(services, user, familyId: Guid.NewGuid());
        await services.Audit.SaveWithAuditAsync(db, services.Record("auth.login", user.Id, targetType: "user", targetId: target), services.Aborted);
        return TypedResults.Ok(session);
    }

    /// <summary>
    /// Checks a sign-in's email and password (lockout per account, failures audited) for the API and
    /// the console alike: the user on success, otherwise the problem to answer.
    /// </summary>
    internal static async Task<(Data.Model.User? User, ProblemHttpResult? Problem)> CheckCredentialsAsync(IdentityServices services, string email, string password)
    {
        var db = services.Db;
        var (outcome, user) = await services.Credentials.VerifyAsync(db, email, password, services.Aborted);
        var target = user?.Id.ToString("D");
        switch (outcome)
        {
            case CredentialCheck.Outcome.Locked:
                return (null, Locked(services, user!.LockedUntil!.Value));
            case CredentialCheck.Outcome.LockedNow:
                var details = JsonSerializer.Serialize(new { failures = services.Options.LockoutThreshold, lockedUntil = user!.LockedUntil });
                await services.Audit.SaveWithAuditAsync(db, services.Record("auth.lockout", null, targetType: "user", targetId: target, details: details), services.Aborted);
                return (null, Locked(services, user.LockedUntil!.Value));
            case CredentialCheck.Outcome.Invalid when user is not null:
                var failed = JsonSerializer.Serialize(new { failures = user.FailedLogins });
                await services.Audit.SaveWithAuditAsync(db, services.Record("auth.login_failed", null, targetType: "user", targetId: target, details: failed), services.Aborted);
                return (null, WrongCredentials());
            case CredentialCheck.Outcome.Invalid:
                return (null, WrongCredentials());
            case CredentialCheck.Outcome.Disabled:
                return (null, Disabled());
        }

        return (user, null);
    }

    internal static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(RefreshRequest request, [AsParameters] IdentityServices services)
    {
        var input = new InputValidation();
        var token = input.Token("refreshToken", request.RefreshToken);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        var db = services.Db;
        var hash = Secrets.Hash(token);
        var presented = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, services.Aborted);
        if (presented is null)
        {
            return SessionEnded("The refresh token is not valid.");
        }

        if (presented.ReplacedById is not null || presented.RevokedAt is not null)
        {
            // A used or revoked token came back: someone else has (had) it. End the whole sign-in.
            await RevokeFamilyAsync(services, presented.FamilyId, presented.UserId, "auth.refresh_reuse", auditWhenNothingChanged: true);
            return SessionEnded("The refresh token was already used; the session has been ended. Sign in again.");
        }

        if (presented.ExpiresAt <= services.Now)
        {
            return SessionEnded("The refresh token has expired. Sign in again.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == presented.UserId, services.Aborted);
        if (user is null)
        {
            return SessionEnded("The refresh token is not valid.");
        }

        if (user.IsDisabled)
        {
            return Disabled();
        }

        // Claim the presented token with a conditional update, so that of two concurrent uses only
        // one rotates it; the other counts as reuse.
        var nextId = Guid.NewGuid();
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == presented.Id && t.ReplacedById == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ReplacedById, nextId), services.Aborted);
        if (claimed == 0)
        {
            await RevokeFamilyAsync(services, presented.FamilyId, presented.UserId, "auth.refresh_reuse", auditWhenNothingChanged: true);
            return SessionEnded("The refresh token was already used; the session has been ended. Sign in again.");
        }

        var (session, _) = Sessions.Start(services, user, presented.FamilyId, nextId);
        await services.Audit.SaveWithAuditAsync(db, services.Record("auth.refresh", user.Id, targetType: "refresh_token_family", targetId: presented.FamilyId.ToString("D")), services.Aborted);
        return TypedResults.Ok(session);
    }

    internal static async Task<Results<NoContent, ValidationProblem>> LogoutAsync(RefreshRequest request, [AsParameters] IdentityServices services)
    {
        var input = new InputValidation();
        var token = input.Token("refreshToken", request.RefreshToken);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        var hash = Secrets.Hash(token);
        var presented = await services.Db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, services.Aborted);
        if (presented is not null)
        {
            await RevokeFamilyAsync(services, presented.FamilyId, presented.UserId, "auth.logout", auditWhenNothingChanged: false);
        }

        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMeAsync([AsParameters] IdentityServices services)
    {
        var userId = services.Http.User.RequireUserId();
        var user = await services.Db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, services.Aborted);
        if (user is null)
        {
            return SessionEnded("The account no longer exists.");
        }

        var teams = await TeamSummary.ForUserAsync(services.Db, userId, services.Aborted);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email, user.DisplayName, user.IsOperator, teams));
    }

    internal static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> UpdateMeAsync(ProfileRequest request, [AsParameters] IdentityServices services)
    {
        var input = new InputValidation();
        var displayName = input.DisplayName("displayName", request.DisplayName);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        var userId = services.Http.User.RequireUserId();
        var user = await services.Db.Users.SingleOrDefaultAsync(u => u.Id == userId, services.Aborted);
        if (user is null)
        {
            return SessionEnded("The account no longer exists.");
        }

        if (user.DisplayName != displayName)
        {
            var details = JsonSerializer.Serialize(new { from = user.DisplayName, to = displayName });
            user.DisplayName = displayName;
            await services.Audit.SaveWithAuditAsync(services.Db, services.Record("user.profile", userId, targetType: "user", targetId: userId.ToString("D"), details: details), services.Aborted);
        }

        var teams = await TeamSummary.ForUserAsync(services.Db, userId, services.Aborted);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email, user.DisplayName, user.IsOperator, teams));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(ChangePasswordRequest request, [AsParameters] IdentityServices services)
    {
        var input = new InputValidation();
        var current = input.GivenPassword("currentPassword", request.CurrentPassword);
        var next = input.NewPassword("newPassword", request.NewPassword);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        var db = services.Db;
        var userId = services.Http.User.RequireUserId();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, services.Aborted);
        if (user is null)
        {
            return SessionEnded("The account no longer exists.");
        }

        if (!Passwords.Verify(user, current))
        {
            input.Add("currentPassword", "The current password is not correct.");
            return input.Problem();
        }

        user.PasswordHash = Passwords.Hash(user, next);

        // A new stamp ends every access token at once (the bearer handler checks it); refresh tokens are revoked.
        user.SecurityStamp = Accounts.NewSecurityStamp();
        var now = services.Now;
        var sessions = await db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null).ToListAsync(services.Aborted);
        foreach (var session in sessions)
        {
            session.RevokedAt = now;
        }

        var details = JsonSerializer.Serialize(new { revokedRefreshTokens = sessions.Count });
        await services.Audit.SaveWithAuditAsync(db, services.Record("user.password", userId, targetType: "user", targetId: userId.ToString("D"), details: details), services.Aborted);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Created<SessionResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(NewAccountRequest request, [AsParameters] IdentityServices services)
    {
        if (!services.Options.OpenRegistration)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Registration is by invitation", detail: "This server creates accounts only through invitation links. Ask a team admin or an operator for one.");
        }

        var input = new InputValidation();
        var email = input.Email("email", request.Email);
        var displayName = input.DisplayName("displayName", request.DisplayName);
        var password = input.NewPassword("password", request.Password);
        if (input.HasErrors)
        {
            return input.Problem();
        }

        if (await Accounts.EmailExistsAsync(services, email))
        {
            return EmailTaken();
        }

        var user = Accounts.NewUser(email, displayName, password, isOperator: false, services.Now);
        var team = Accounts.AddWithPersonalTeam(services, user);
        var (session, _) = Sessions.Start(services, user, familyId: Guid.NewGuid());
        try
        {
            await services.Audit.SaveWithAuditAsync(services.Db, services.Record("user.register", user.Id, team.Id, "user", user.Id.ToString("D")), services.Aborted);
        }
        catch (DbUpdateException)
        {
            services.Db.ChangeTracker.Clear();
            if (await Accounts.EmailExistsAsync(services, email))
            {
                return EmailTaken();
            }

            throw;
        }

        return TypedResults.Created("/v1/auth/me", session);
    }

    /// <summary>Revokes every live refresh token of a sign-in (a token family).</summary>
    internal static async Task RevokeFamilyAsync(IdentityServices services, Guid familyId, Guid userId, string action, bool auditWhenNothingChanged)
    {
        var db = services.Db;
        var now = services.Now;
        var live = await db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null).ToListAsync(services.Aborted);
        if (live.Count == 0 && !auditWhenNothingChanged)
        {
            return;
        }

        foreach (var token in live)
        {
            token.RevokedAt = now;
        }

        var details = JsonSerializer.Serialize(new { revoked = live.Count });
        await services.Audit.SaveWithAuditAsync(db, services.Record(action, userId, targetType: "refresh_token_family", targetId: familyId.ToString("D"), details: details), services.Aborted);
    }

    internal static ProblemHttpResult EmailTaken()
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email in use", detail: "An account with this email address exists. Sign in instead.");

    private static ProblemHttpResult WrongCredentials()
        => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "The email or password is not correct.");

    private static ProblemHttpResult Disabled()
        => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account disabled", detail: "This account is disabled. Ask an operator of this server.");

    private static ProblemHttpResult SessionEnded(string detail)
        => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Session ended", detail: detail);

    private static ProblemHttpResult Locked(IdentityServices services, DateTime lockedUntil)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((lockedUntil - services.Now).TotalSeconds));
        services.Http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var until = lockedUntil.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status423Locked,
            title: "Account locked",
            detail: $"Too many failed sign-ins. The account is locked until {until}.",
            extensions: new Dictionary<string, object?> { ["lockedUntil"] = until });
    }
}
