using System.Diagnostics.Metrics;
using Fdt.Observability.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Observability.Tests.Metrics;

public sealed class MetricsCollectorTests : IDisposable
{
    private readonly string _meterName = "Fdt.Tests." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly MetricsCollector _collector;

    public MetricsCollectorTests()
    {
        _meter = new Meter(_meterName);
        _collector = new MetricsCollector(new MetricsCollectorOptions { Meters = [_meterName] });
        _collector.Start();
    }

    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Collect_Counter_SumsPerTagCombinationWhateverTheTagOrder()
    {
        var counter = _meter.CreateCounter<long>("fdt.test.requests", "{request}", "Requests handled.");
        counter.Add(2, new("status_class", "2xx"), new("team", "a"));
        counter.Add(3, new("team", "a"), new("status_class", "2xx"));
        counter.Add(1, new KeyValuePair<string, object?>("status_class", "5xx"), new("team", "a"));
        counter.Add(-4, new KeyValuePair<string, object?>("status_class", "5xx"), new("team", "a"));

        var text = _collector.Collect();

        Assert.Contains("# HELP fdt_test_requests_total Requests handled.\n# TYPE fdt_test_requests_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("fdt_test_requests_total{status_class=\"2xx\",team=\"a\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("fdt_test_requests_total{status_class=\"5xx\",team=\"a\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_UpDownCounter_IsAGauge()
    {
        var tunnels = _meter.CreateUpDownCounter<long>("fdt.test.tunnels", "{tunnel}", "Live tunnels.");
        tunnels.Add(3, new KeyValuePair<string, object?>("protocol", "http"));
        tunnels.Add(-1, new KeyValuePair<string, object?>("protocol", "http"));

        var text = _collector.Collect();

        Assert.Contains("# TYPE fdt_test_tunnels gauge\nfdt_test_tunnels{protocol=\"http\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_Histogram_WritesCumulativeBucketsSumAndCount()
    {
        var duration = _meter.CreateHistogram("fdt.test.duration", "s", "Latency.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        duration.Record(0.05);
        duration.Record(0.1);
        duration.Record(0.5);
        duration.Record(7);

        var text = _collector.Collect();

        Assert.Contains(
            """
            # TYPE fdt_test_duration_seconds histogram
            fdt_test_duration_seconds_bucket{le="0.1"} 2
            fdt_test_duration_seconds_bucket{le="1"} 3
            fdt_test_duration_seconds_bucket{le="+Inf"} 4
            fdt_test_duration_seconds_sum 7.65
            fdt_test_duration_seconds_count 4

            """.ReplaceLineEndings("\n"),
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_HistogramWithoutAdvice_InSeconds_UsesLatencyBuckets()
    {
        var duration = _meter.CreateHistogram<double>("fdt.test.latency", "s");
        duration.Record(0.002, new KeyValuePair<string, object?>("route", "/v1/x"));

        var text = _collector.Collect();

        foreach (var bound in HistogramBuckets.LatencySeconds)
        {
            Assert.Contains($"fdt_test_latency_seconds_bucket{{route=\"/v1/x\",le=\"{PrometheusNames.FormatValue(bound)}\"}}", text, StringComparison.Ordinal);
        }

        Assert.Contains("fdt_test_latency_seconds_bucket{route=\"/v1/x\",le=\"0.001\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("fdt_test_latency_seconds_bucket{route=\"/v1/x\",le=\"0.0025\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_ObservableGauge_DropsSeriesNoLongerReported()
    {
        var teams = new Dictionary<string, int> { ["a"] = 2, ["b"] = 1 };
        _meter.CreateObservableGauge("fdt.test.team.tunnels", () => teams.Select(t => new Measurement<int>(t.Value, new KeyValuePair<string, object?>("team", t.Key))), "{tunnel}");

        var first = _collector.Collect();
        teams.Remove("b");
        teams["a"] = 5;
        var second = _collector.Collect();

        Assert.Contains("fdt_test_team_tunnels{team=\"b\"} 1\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("team=\"b\"", second, StringComparison.Ordinal);
        Assert.Contains("fdt_test_team_tunnels{team=\"a\"} 5\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_ObservableCounter_ReportsTheObservedTotal()
    {
        long total = 10;
        _meter.CreateObservableCounter("fdt.test.stalls", () => total);
        Assert.Contains("fdt_test_stalls_total 10\n", _collector.Collect(), StringComparison.Ordinal);
        total = 12;
        Assert.Contains("fdt_test_stalls_total 12\n", _collector.Collect(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_InstrumentWithoutMeasurements_StillHasHelpAndType()
    {
        _meter.CreateCounter<long>("fdt.test.jobs.runs", "{run}", "Job runs.");
        _meter.CreateHistogram<double>("fdt.test.jobs.duration", "s", "Job duration.");

        var text = _collector.Collect();

        Assert.Contains("# HELP fdt_test_jobs_runs_total Job runs.\n# TYPE fdt_test_jobs_runs_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE fdt_test_jobs_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fdt_test_jobs_runs_total ", text.Replace("# HELP fdt_test_jobs_runs_total ", string.Empty, StringComparison.Ordinal).Replace("# TYPE fdt_test_jobs_runs_total ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_EscapesLabelValuesAndHelp()
    {
        var counter = _meter.CreateCounter<long>("fdt.test.escapes", null, "Line one\nline \\two");
        counter.Add(1, new KeyValuePair<string, object?>("path", "C:\\dir \"quoted\"\nnext"));

        var text = _collector.Collect();

        Assert.Contains("# HELP fdt_test_escapes_total Line one\\nline \\\\two\n", text, StringComparison.Ordinal);
        Assert.Contains("fdt_test_escapes_total{path=\"C:\\\\dir \\\"quoted\\\"\\nnext\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_DoubleCounterAndNonStringTags_AreFormattedInvariantly()
    {
        var counter = _meter.CreateCounter<double>("fdt.test.cpu", "s");
        counter.Add(0.5, new KeyValuePair<string, object?>("code", 404), new("ok", false));
        counter.Add(0.25, new KeyValuePair<string, object?>("code", 404), new("ok", false));

        Assert.Contains("fdt_test_cpu_seconds_total{code=\"404\",ok=\"false\"} 0.75\n", _collector.Collect(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_TooManyTagCombinations_GoToOneOverflowSeries()
    {
        var counter = _meter.CreateCounter<long>("fdt.test.wide");
        for (var i = 0; i < InstrumentState.MaxSeries + 10; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", i));
        }

        var text = _collector.Collect();

        Assert.Contains("fdt_test_wide_total{otel_metric_overflow=\"true\"} 10\n", text, StringComparison.Ordinal);
        Assert.Equal(InstrumentState.MaxSeries + 1, text.Split('\n').Count(l => l.StartsWith("fdt_test_wide_total{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Collect_MeterOfAnotherHost_IsLeftOut()
    {
        using var mine = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var theirs = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var myFactory = mine.GetRequiredService<IMeterFactory>();
        using var collector = new MetricsCollector(new MetricsCollectorOptions { Meters = [_meterName] }, myFactory);
        collector.Start();
        myFactory.Create(_meterName).CreateCounter<long>("fdt.test.mine").Add(1);
        theirs.GetRequiredService<IMeterFactory>().Create(_meterName).CreateCounter<long>("fdt.test.theirs").Add(1);
        _meter.CreateCounter<long>("fdt.test.static").Add(1);

        var text = collector.Collect();

        Assert.Contains("fdt_test_mine_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("fdt_test_static_total 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fdt_test_theirs", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_DisposedMeter_IsForgotten()
    {
        using (var meter = new Meter(_meterName))
        {
            meter.CreateCounter<long>("fdt.test.gone").Add(1);
            Assert.Contains("fdt_test_gone_total 1", _collector.Collect(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("fdt_test_gone_total", _collector.Collect(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_RuntimeMeter_ExposesProcessAndGcInstruments()
    {
        using var collector = new MetricsCollector(new MetricsCollectorOptions { Meters = ["System.Runtime"] });
        collector.Start();
        GC.Collect();

        var text = collector.Collect();

        Assert.Contains("# TYPE dotnet_process_cpu_time_seconds_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_process_memory_working_set_bytes gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total{gc_heap_generation=\"gen2\"}", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_threads gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_queue_length gauge\n", text, StringComparison.Ordinal);
    }
}
