namespace Fdt.Cli.Commands.Login;

/// <summary>The answer to a poll once the login is approved: the new authtoken and its team.</summary>
internal sealed record DeviceTokenResponse(string? Authtoken, Guid TeamId, string? TeamName);
