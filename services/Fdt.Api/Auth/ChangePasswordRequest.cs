namespace Fdt.Api.Auth;

/// <summary>Body of <c>POST /v1/auth/password</c>.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
