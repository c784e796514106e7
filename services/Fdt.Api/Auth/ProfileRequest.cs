namespace Fdt.Api.Auth;

/// <summary>Body of <c>PATCH /v1/auth/me</c>.</summary>
public sealed record ProfileRequest(string? DisplayName);
