namespace Fdt.Agent.Inspection.Web;

/// <summary>The capture limits in force, so a viewer can explain truncation.</summary>
internal sealed record CaptureLimits(int BodyBytes, int MaxRequests, long MemoryBytes);
