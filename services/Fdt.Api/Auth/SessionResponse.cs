namespace Fdt.Api.Auth;

/// <summary>
/// A new session: a short-lived access token (JWT, sent as <c>Authorization: Bearer</c>) and a
/// refresh token (single use: each refresh returns a new pair).
/// </summary>
public sealed record SessionResponse(
    string AccessToken,
    DateTime AccessTokenExpiresAt,
    string RefreshToken,
    DateTime RefreshTokenExpiresAt,
    UserSummary User);
