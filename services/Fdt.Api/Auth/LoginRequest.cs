namespace Fdt.Api.Auth;

/// <summary>Body of <c>POST /v1/auth/login</c>.</summary>
public sealed record LoginRequest(string? Email, string? Password);
