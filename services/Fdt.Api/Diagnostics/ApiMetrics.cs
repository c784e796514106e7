using System.Diagnostics.Metrics;
using Fdt.Observability.Metrics;

namespace Fdt.Api.Diagnostics;

/// <summary>
/// The control plane's instruments (meter <c>Fdt.Api</c>): requests by route template, method and
/// status code, their latency, and authentication failures by reason. Every label is bounded:
/// routes are the templates the API maps (never a raw path), unknown methods become <c>_OTHER</c>.
/// </summary>
public sealed class ApiMetrics
{
    public const string MeterName = "Fdt.Api";

    /// <summary>The route label of requests that matched no endpoint.</summary>
    public const string UnmatchedRoute = "unmatched";

    private static readonly KeyValuePair<string, object?>[] StatusCodes = CreateStatusCodes();

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _authFailures;

    public ApiMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("fdt.api.requests", "{request}", "Requests to the server's own endpoints (API, pages, agent endpoint) by route template, method and status code.");
        _duration = meter.CreateHistogram(
            "fdt.api.request.duration",
            "s",
            "Time to answer requests to the server's own endpoints, by route template and method (upgraded connections left out).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.LatencySeconds });
        _authFailures = meter.CreateCounter<long>("fdt.api.auth.failures", "{failure}", "Failed sign-ins and refused credentials, by reason.");
    }

    public bool RequestsEnabled => _requests.Enabled || _duration.Enabled;

    /// <summary>Records a finished request.</summary>
    public void RequestCompleted(string route, string method, int statusCode, double seconds)
    {
        var routeTag = new KeyValuePair<string, object?>("route", route);
        var methodTag = new KeyValuePair<string, object?>("method", Method(method));
        _requests.Add(1, routeTag, methodTag, StatusCode(statusCode));
        if (statusCode != 101)
        {
            _duration.Record(seconds, routeTag, methodTag);
        }
    }

    /// <summary>Counts an authentication failure (<see cref="AuthFailureReasons"/>).</summary>
    public void AuthFailed(string reason) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static string Method(string method) => method switch
    {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "_OTHER",
    };

    private static KeyValuePair<string, object?> StatusCode(int statusCode)
        => statusCode is >= 100 and < 600 ? StatusCodes[statusCode - 100] : new("status_code", "other");

    private static KeyValuePair<string, object?>[] CreateStatusCodes()
    {
        var codes = new KeyValuePair<string, object?>[500];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = new("status_code", (i + 100).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return codes;
    }
}
