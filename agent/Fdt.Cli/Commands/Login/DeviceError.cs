namespace Fdt.Cli.Commands.Login;

/// <summary>
/// A poll's 400 answer (RFC 8628 section 3.5): <c>authorization_pending</c>, <c>slow_down</c>,
/// <c>access_denied</c>, <c>expired_token</c> or <c>invalid_grant</c>, with the interval to use from now on.
/// </summary>
internal sealed record DeviceError(string? Error, string? ErrorDescription, int? Interval);
