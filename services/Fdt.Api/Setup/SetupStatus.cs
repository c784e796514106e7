namespace Fdt.Api.Setup;

/// <summary>Body of <c>GET /v1/setup</c>: whether the first operator still has to be created.</summary>
public sealed record SetupStatus(bool Required);
