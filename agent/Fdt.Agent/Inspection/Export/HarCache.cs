namespace Fdt.Agent.Inspection.Export;

/// <summary>Cache information: none (an empty object, as HAR requires).</summary>
internal sealed record HarCache;
