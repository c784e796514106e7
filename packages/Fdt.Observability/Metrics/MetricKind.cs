namespace Fdt.Observability.Metrics;

/// <summary>How an instrument is exposed to Prometheus.</summary>
public enum MetricKind
{
    /// <summary>A monotonic sum (<c>Counter</c>, <c>ObservableCounter</c>): <c>_total</c>.</summary>
    Counter,

    /// <summary>A value that goes up and down (<c>UpDownCounter</c>, gauges).</summary>
    Gauge,

    /// <summary>A distribution: <c>_bucket{le}</c>, <c>_sum</c>, <c>_count</c>.</summary>
    Histogram,
}
