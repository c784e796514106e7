namespace Fdt.Cli.Commands.Login;

/// <summary>The answer to <c>POST /v1/device/code</c> (RFC 8628 section 3.2).</summary>
/// <param name="ExpiresIn">Seconds until the codes expire.</param>
/// <param name="Interval">Seconds to wait between polls.</param>
internal sealed record DeviceCodeResponse(
    string? DeviceCode,
    string? UserCode,
    string? VerificationUri,
    string? VerificationUriComplete,
    int ExpiresIn,
    int Interval);
