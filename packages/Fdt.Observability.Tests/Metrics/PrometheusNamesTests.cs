using Fdt.Observability.Metrics;

namespace Fdt.Observability.Tests.Metrics;

public sealed class PrometheusNamesTests
{
    [Theory]
    [InlineData("fdt.edge.http.requests", "{request}", MetricKind.Counter, "fdt_edge_http_requests_total")]
    [InlineData("fdt.edge.http.request.duration", "s", MetricKind.Histogram, "fdt_edge_http_request_duration_seconds")]
    [InlineData("fdt.edge.tunnel.traffic", "By", MetricKind.Counter, "fdt_edge_tunnel_traffic_bytes_total")]
    [InlineData("fdt.edge.tunnels", "{tunnel}", MetricKind.Gauge, "fdt_edge_tunnels")]
    [InlineData("fdt.certificate.expiry_timestamp", "s", MetricKind.Gauge, "fdt_certificate_expiry_timestamp_seconds")]
    [InlineData("dotnet.process.cpu.time", "s", MetricKind.Counter, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet.process.memory.working_set", "By", MetricKind.Gauge, "dotnet_process_memory_working_set_bytes")]
    [InlineData("dotnet.process.cpu.count", "{cpu}", MetricKind.Gauge, "dotnet_process_cpus")]
    [InlineData("requests.total", null, MetricKind.Counter, "requests_total")]
    [InlineData("cache.hit", "1", MetricKind.Gauge, "cache_hit_ratio")]
    [InlineData("net.throughput", "By/s", MetricKind.Gauge, "net_throughput_bytes_per_second")]
    [InlineData("queue.item_count", "{item}", MetricKind.Gauge, "queue_item_count_value")]
    [InlineData("upload.size_bytes", "By", MetricKind.Gauge, "upload_size_bytes")]
    [InlineData("9lives..odd-name", null, MetricKind.Gauge, "_9lives_odd_name")]
    public void MetricName_FollowsPrometheusConventions(string instrument, string? unit, MetricKind kind, string expected)
        => Assert.Equal(expected, PrometheusNames.MetricName(instrument, unit, kind));

    [Theory]
    [InlineData("status_class", "status_class")]
    [InlineData("gc.heap.generation", "gc_heap_generation")]
    [InlineData("http.response.status_code", "http_response_status_code")]
    [InlineData("__name__", "_name")]
    [InlineData("1st", "_1st")]
    public void LabelName_IsValid(string key, string expected) => Assert.Equal(expected, PrometheusNames.LabelName(key));

    [Fact]
    public void EscapeLabelValue_EscapesBackslashQuoteAndNewline()
    {
        Assert.Equal(@"a\\b\""c\nd", PrometheusNames.EscapeLabelValue("a\\b\"c\nd"));
        Assert.Equal("plain", PrometheusNames.EscapeLabelValue("plain"));
    }

    [Fact]
    public void EscapeHelp_EscapesBackslashAndNewlineOnly()
        => Assert.Equal(@"say ""hi"" \\ then\nmore", PrometheusNames.EscapeHelp("say \"hi\" \\ then\nmore"));

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.25, "0.25")]
    [InlineData(1e21, "1E+21")]
    public void FormatValue_UsesPrometheusSpellings(double value, string expected) => Assert.Equal(expected, PrometheusNames.FormatValue(value));
}
