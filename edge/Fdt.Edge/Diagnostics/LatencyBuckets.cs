namespace Fdt.Edge.Diagnostics;

/// <summary>Histogram bucket boundaries of the edge's request latency.</summary>
internal static class LatencyBuckets
{
    /// <summary>1 ms (a tunnelled request on a fast path) to a minute; slower requests land in <c>+Inf</c>.</summary>
    public static IReadOnlyList<double> Seconds { get; } = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
}
