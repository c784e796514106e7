namespace Fdt.Api.Diagnostics;

/// <summary>The <c>reason</c> label values of <c>fdt_api_auth_failures_total</c>.</summary>
public static class AuthFailureReasons
{
    /// <summary>Unknown email or wrong password (API login or the <c>/activate</c> page).</summary>
    public const string InvalidCredentials = "invalid_credentials";

    /// <summary>A sign-in to a locked account, or the failure that locked it.</summary>
    public const string Locked = "locked";

    /// <summary>The right password for a disabled account.</summary>
    public const string Disabled = "disabled";

    /// <summary>Too many credential attempts from one address (HTTP 429).</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>An access token (JWT) that was presented and refused: bad signature, expired, session ended.</summary>
    public const string AccessTokenRejected = "access_token_rejected";

    /// <summary>An authtoken that was presented and refused: unknown or revoked.</summary>
    public const string AuthtokenRejected = "authtoken_rejected";
}
