namespace Fdt.Api.Auth;

/// <summary>Body of the requests that create an account: setup, register, and joining with an invitation.</summary>
public sealed record NewAccountRequest(string? Email, string? DisplayName, string? Password);
