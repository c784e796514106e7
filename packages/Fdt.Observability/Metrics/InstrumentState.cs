using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Fdt.Observability.Metrics;

/// <summary>What the collector keeps for one instrument: its Prometheus name and type and its series.</summary>
internal sealed class InstrumentState
{
    /// <summary>Beyond this many tag combinations, measurements go to one overflow series.</summary>
    public const int MaxSeries = 2000;

    // .NET publishes these as observable counters, but they go down too: expose them as gauges.
    private static readonly HashSet<string> NonMonotonicCounters = new(StringComparer.Ordinal)
    {
        "dotnet.thread_pool.thread.count",
        "dotnet.thread_pool.queue.length",
    };

    private readonly ConcurrentDictionary<TagSet, MetricSeries> _series = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, MetricSeries>.AlternateLookup<TagSpan> _lookup;
    private readonly Func<long> _generation;
    private readonly bool _lastValue;
    private MetricSeries? _overflow;

    public InstrumentState(Instrument instrument, long sequence, Func<long> generation)
    {
        Instrument = instrument;
        Sequence = sequence;
        _generation = generation;
        _lookup = _series.GetAlternateLookup<TagSpan>();
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        Kind = (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>)) && !NonMonotonicCounters.Contains(instrument.Name) ? MetricKind.Counter
            : definition == typeof(Histogram<>) ? MetricKind.Histogram
            : MetricKind.Gauge;
        IsMonotonic = Kind == MetricKind.Counter;
        _lastValue = instrument.IsObservable || definition == typeof(Gauge<>);
        var valueType = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericArguments()[0] : typeof(double);
        Integral = valueType == typeof(long) || valueType == typeof(int) || valueType == typeof(short) || valueType == typeof(byte);
        Name = PrometheusNames.MetricName(instrument.Name, instrument.Unit, Kind);
        Help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
        if (Kind == MetricKind.Histogram)
        {
            Bounds = BucketBounds(instrument);
        }
    }

    public Instrument Instrument { get; }

    /// <summary>Publication order (the first instrument of a name wins).</summary>
    public long Sequence { get; }

    public MetricKind Kind { get; }

    public string Name { get; }

    public string Help { get; }

    /// <summary>Values are whole numbers (written without a fraction).</summary>
    public bool Integral { get; }

    public double[]? Bounds { get; }

    private bool IsMonotonic { get; }

    public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Kind == MetricKind.Histogram)
        {
            Record((double)value, tags);
            return;
        }

        if (IsMonotonic && value < 0 && !_lastValue)
        {
            return;
        }

        var series = Find(tags);
        if (_lastValue)
        {
            series.Set(value);
            series.Generation = _generation();
        }
        else
        {
            series.Add(value);
        }
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value) || (IsMonotonic && value < 0 && !_lastValue))
        {
            return;
        }

        var series = Find(tags);
        if (Kind == MetricKind.Histogram)
        {
            series.Observe(value, Bounds!);
        }
        else if (_lastValue)
        {
            series.Set(value);
            series.Generation = _generation();
        }
        else
        {
            series.Add(value);
        }
    }

    /// <summary>The series to write. Observable instruments keep only what their callbacks reported in collection <paramref name="generation"/>.</summary>
    public List<MetricSeries> Snapshot(long generation)
    {
        var result = new List<MetricSeries>(_series.Count + 1);
        foreach (var (key, series) in _series)
        {
            if (_lastValue && Instrument.IsObservable && series.Generation != generation)
            {
                // Not reported any more (a team's last tunnel ended): drop it.
                _series.TryRemove(new KeyValuePair<TagSet, MetricSeries>(key, series));
                continue;
            }

            result.Add(series);
        }

        if (Volatile.Read(ref _overflow) is { } overflow)
        {
            result.Add(overflow);
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Labels, b.Labels));
        return result;
    }

    private MetricSeries Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        => _lookup.TryGetValue(new TagSpan(tags), out var series) ? series : Add(tags);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private MetricSeries Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var buckets = Bounds is null ? 0 : Bounds.Length + 1;
        if (_series.Count >= MaxSeries)
        {
            var overflow = Volatile.Read(ref _overflow);
            if (overflow is null)
            {
                Interlocked.CompareExchange(ref _overflow, new MetricSeries("otel_metric_overflow=\"true\"", buckets), null);
                overflow = _overflow!;
            }

            return overflow;
        }

        var key = new TagSet(tags.ToArray());
        return _series.GetOrAdd(key, static (k, b) => new MetricSeries(RenderLabels(k.Tags), b), buckets);
    }

    private static string RenderLabels(KeyValuePair<string, object?>[] tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            labels.TryAdd(PrometheusNames.LabelName(tag.Key), PrometheusNames.FormatTagValue(tag.Value));
        }

        var builder = new StringBuilder();
        foreach (var (name, value) in labels)
        {
            if (name == "le")
            {
                // Reserved for histogram buckets.
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(name).Append("=\"").Append(PrometheusNames.EscapeLabelValue(value)).Append('"');
        }

        return builder.ToString();
    }

    private static double[] BucketBounds(Instrument instrument)
    {
        IReadOnlyList<double>? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(v => (double)v).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(v => (double)v).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(v => (double)v).ToArray(),
            _ => null,
        };
        var bounds = advised ?? (instrument.Unit == "s" ? HistogramBuckets.LatencySeconds : HistogramBuckets.Default);
        return [.. bounds.Where(double.IsFinite).Distinct().Order()];
    }
}
