using Fdt.Api.Auth;
using Fdt.Data;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fdt.Api.Security;

/// <summary>
/// Checks an email and password the way every sign-in must (the API's login and the
/// <c>/activate</c> page): the same answer and the same work for unknown emails and wrong
/// passwords, lockout after repeated failures, disabled accounts refused only with the right password.
/// </summary>
public sealed class CredentialCheck(IOptions<ApiOptions> options, TimeProvider time, Diagnostics.ApiMetrics? metrics = null)
{
    public enum Outcome
    {
        Success,

        /// <summary>Unknown email or wrong password (the user, when known, has one more failure).</summary>
        Invalid,

        /// <summary>The account was already locked; the password was not checked.</summary>
        Locked,

        /// <summary>This failure reached the threshold and locked the account.</summary>
        LockedNow,

        /// <summary>Right password, disabled account.</summary>
        Disabled,
    }

    /// <summary>
    /// Verifies the credentials and updates the user's failure counter and lock; the caller saves
    /// <paramref name="db"/>. <paramref name="email"/> is compared as stored (trimmed, lowercase).
    /// </summary>
    public async Task<(Outcome Outcome, User? User)> VerifyAsync(FdtDbContext db, string? email, string? password, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(db, email, password, cancellationToken);
        if (result.Outcome != Outcome.Success)
        {
            metrics?.AuthFailed(result.Outcome switch
            {
                Outcome.Locked or Outcome.LockedNow => Diagnostics.AuthFailureReasons.Locked,
                Outcome.Disabled => Diagnostics.AuthFailureReasons.Disabled,
                _ => Diagnostics.AuthFailureReasons.InvalidCredentials,
            });
        }

        return result;
    }

    private async Task<(Outcome Outcome, User? User)> CheckAsync(FdtDbContext db, string? email, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var normalized = (email ?? string.Empty).Trim().ToLowerInvariant();
        password ??= string.Empty;
        var user = normalized.Length is 0 or > 320 ? null : await db.Users.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            Passwords.VerifyDummy(password);
            return (Outcome.Invalid, null);
        }

        var now = time.GetStoredUtcNow();
        if (user.LockedUntil > now)
        {
            return (Outcome.Locked, user);
        }

        if (!Passwords.Verify(user, password))
        {
            user.FailedLogins++;
            var threshold = options.Value.LockoutThreshold;
            if (threshold > 0 && user.FailedLogins >= threshold)
            {
                user.LockedUntil = now + options.Value.LockoutDuration;
                user.FailedLogins = 0;
                return (Outcome.LockedNow, user);
            }

            return (Outcome.Invalid, user);
        }

        if (user.IsDisabled)
        {
            return (Outcome.Disabled, user);
        }

        user.FailedLogins = 0;
        user.LockedUntil = null;
        return (Outcome.Success, user);
    }
}
