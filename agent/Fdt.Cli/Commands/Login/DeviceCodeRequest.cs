namespace Fdt.Cli.Commands.Login;

/// <summary>The body of <c>POST /v1/device/code</c>: what the approving person sees about this device.</summary>
internal sealed record DeviceCodeRequest(string ClientDescription);
