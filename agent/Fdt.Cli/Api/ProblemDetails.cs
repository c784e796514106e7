namespace Fdt.Cli.Api;

/// <summary>The parts of an RFC 9457 problem details body fdt shows (the server adds <c>code</c> to some).</summary>
internal sealed record ProblemDetails(string? Title, string? Detail, string? Code);
