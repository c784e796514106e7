namespace Fdt.Api.Auth;

/// <summary>Body of <c>POST /v1/auth/refresh</c> and <c>POST /v1/auth/logout</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);
