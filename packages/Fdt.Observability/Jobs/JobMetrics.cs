using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fdt.Observability.Metrics;

namespace Fdt.Observability.Jobs;

/// <summary>
/// Instruments of background jobs (meter <c>Fdt.Jobs</c>): runs, failures and duration per job
/// name (label <c>job_name</c>: Prometheus keeps <c>job</c> for the scrape job). Job names are a
/// fixed set in code, so the label stays bounded. The instruments are
/// exposed (with HELP and TYPE, and no samples) before any job has run.
/// </summary>
public sealed class JobMetrics
{
    public const string MeterName = "Fdt.Jobs";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;

    public JobMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _runs = meter.CreateCounter<long>("fdt.jobs.runs", "{run}", "Background job runs that finished, failed or not, by job.");
        _failures = meter.CreateCounter<long>("fdt.jobs.failures", "{run}", "Background job runs that failed, by job.");
        _duration = meter.CreateHistogram("fdt.jobs.duration", "s", "How long background job runs took, by job.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.JobSeconds });
    }

    /// <summary>Records one finished run of <paramref name="job"/>.</summary>
    public void RunCompleted(string job, TimeSpan duration, bool failed)
    {
        var tag = new KeyValuePair<string, object?>("job_name", job);
        _runs.Add(1, tag);
        if (failed)
        {
            _failures.Add(1, tag);
        }

        _duration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>Runs <paramref name="run"/> as job <paramref name="job"/> and records it (exceptions are recorded as failures and rethrown).</summary>
    public async Task RunAsync(string job, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var start = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            await run(cancellationToken);
            failed = false;
        }
        finally
        {
            RunCompleted(job, Stopwatch.GetElapsedTime(start), failed);
        }
    }
}
