namespace Fdt.Observability.Metrics;

/// <summary>Explicit histogram bucket boundaries.</summary>
public static class HistogramBuckets
{
    /// <summary>
    /// Request latency in seconds, from 1 ms (a tunnelled request on a fast path takes about that)
    /// to a minute (long polls and slow uploads land in <c>+Inf</c>).
    /// </summary>
    public static IReadOnlyList<double> LatencySeconds { get; } =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Durations of background work in seconds (jobs): 10 ms to an hour.</summary>
    public static IReadOnlyList<double> JobSeconds { get; } =
        [0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600];

    /// <summary>For histograms of other units that give no advice (OpenTelemetry's default boundaries).</summary>
    public static IReadOnlyList<double> Default { get; } =
        [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
}
