using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Fdt.Observability.Metrics;

/// <summary>
/// Listens to <see cref="System.Diagnostics.Metrics"/> instruments and writes them in the
/// Prometheus text exposition format (version 0.0.4). Counters become <c>_total</c> counters,
/// histograms get <c>_bucket{le}</c>/<c>_sum</c>/<c>_count</c>, up-down counters and gauges become
/// gauges. Measurements are aggregated as they happen (lock-free, no allocation once a series
/// exists); observable instruments are read when a scrape collects.
/// </summary>
/// <remarks>
/// Meters made by an <see cref="IMeterFactory"/> belong to that factory's host: given
/// that factory, the collector takes only its own host's meters and static ones
/// (such as <c>System.Runtime</c>), so several hosts in one process (tests) stay apart.
/// </remarks>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>The content type of the text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MetricsCollectorOptions _options;
    private readonly object? _scope;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _collect = new();
    private long _sequence;
    private long _generation;
    private int _started;

    public MetricsCollector(MetricsCollectorOptions options, IMeterFactory? scope = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _scope = scope;
        _listener.InstrumentPublished = OnPublished;
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<int>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<short>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<byte>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<double>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<float>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<decimal>(static (i, v, t, s) => ((InstrumentState)s!).Record((double)v, t));
    }

    /// <summary>Starts listening (instruments that exist already are taken too). Idempotent.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _listener.Start();
        }
    }

    /// <summary>Reads observable instruments and renders every instrument as exposition text.</summary>
    public string Collect()
    {
        Start();
        lock (_collect)
        {
            var generation = Interlocked.Increment(ref _generation);
            _listener.RecordObservableInstruments();
            var builder = new StringBuilder(16 * 1024);
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var state in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Sequence))
            {
                // Two instruments with one Prometheus name would make duplicate samples: the first wins.
                if (written.Add(state.Name))
                {
                    Write(builder, state, state.Snapshot(generation));
                }
            }

            return builder.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        var meterScope = instrument.Meter.Scope;
        if (_scope is not null && meterScope is not null && !ReferenceEquals(meterScope, _scope))
        {
            return;
        }

        if (!_options.Includes(instrument))
        {
            return;
        }

        var state = new InstrumentState(instrument, Interlocked.Increment(ref _sequence), () => Volatile.Read(ref _generation));
        if (_instruments.TryAdd(instrument, state))
        {
            listener.EnableMeasurementEvents(instrument, state);
        }
    }

    private static void Write(StringBuilder builder, InstrumentState state, List<MetricSeries> series)
    {
        var name = state.Name;
        builder.Append("# HELP ").Append(name).Append(' ').Append(PrometheusNames.EscapeHelp(state.Help)).Append('\n');
        builder.Append("# TYPE ").Append(name).Append(' ').Append(state.Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Histogram => "histogram",
            _ => "gauge",
        }).Append('\n');

        foreach (var one in series)
        {
            if (state.Kind == MetricKind.Histogram)
            {
                WriteHistogram(builder, name, state.Bounds!, one);
                continue;
            }

            builder.Append(name);
            AppendLabels(builder, one.Labels, null);
            builder.Append(' ');
            builder.Append(state.Integral ? one.IntegralValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : PrometheusNames.FormatValue(one.Value));
            builder.Append('\n');
        }
    }

    private static void WriteHistogram(StringBuilder builder, string name, double[] bounds, MetricSeries series)
    {
        var buckets = series.CumulativeBuckets();
        for (var i = 0; i < buckets.Length; i++)
        {
            builder.Append(name).Append("_bucket");
            AppendLabels(builder, series.Labels, i < bounds.Length ? PrometheusNames.FormatValue(bounds[i]) : "+Inf");
            builder.Append(' ').Append(buckets[i]).Append('\n');
        }

        builder.Append(name).Append("_sum");
        AppendLabels(builder, series.Labels, null);
        builder.Append(' ').Append(PrometheusNames.FormatValue(series.HistogramSum)).Append('\n');
        builder.Append(name).Append("_count");
        AppendLabels(builder, series.Labels, null);
        builder.Append(' ').Append(buckets[^1]).Append('\n');
    }

    private static void AppendLabels(StringBuilder builder, string labels, string? le)
    {
        if (labels.Length == 0 && le is null)
        {
            return;
        }

        builder.Append('{').Append(labels);
        if (le is not null)
        {
            builder.Append(labels.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
        }

        builder.Append('}');
    }
}
