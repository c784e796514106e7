namespace Fdt.Cli.Commands.Login;

/// <summary>The body of a poll, <c>POST /v1/device/token</c>.</summary>
internal sealed record DeviceTokenRequest(string DeviceCode);
