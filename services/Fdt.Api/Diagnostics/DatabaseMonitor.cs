using System.Diagnostics.Metrics;
using Fdt.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Api.Diagnostics;

/// <summary>
/// Whether the database answers: probed every <see cref="ApiOptions.DatabaseProbeInterval"/> for
/// the <c>fdt_database_up</c> gauge, and checked live by <c>/readyz</c> (check <c>database</c>).
/// </summary>
public sealed partial class DatabaseMonitor : BackgroundService, IHealthCheck
{
    public const string HealthCheckName = "database";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly IDbContextFactory<FdtDbContext> _factory;
    private readonly TimeSpan _interval;
    private readonly ILogger<DatabaseMonitor> _logger;
    private volatile int _up = -1;

    public DatabaseMonitor(IDbContextFactory<FdtDbContext> factory, IOptions<ApiOptions> options, IMeterFactory meterFactory, ILogger<DatabaseMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        _factory = factory;
        _interval = options.Value.DatabaseProbeInterval;
        _logger = logger;
        meterFactory.Create(ApiMetrics.MeterName).CreateObservableGauge(
            "fdt.database.up",
            () => _up < 0 ? [] : new[] { new Measurement<int>(_up) },
            description: "1 when the last probe of the control plane's database succeeded, 0 when it failed.");
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var error = await ProbeAsync(cancellationToken);
        return error is null ? HealthCheckResult.Healthy("The database answers.") : HealthCheckResult.Unhealthy("The database does not answer: " + error);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            do
            {
                var error = await ProbeAsync(stoppingToken);
                if (error is not null && !stoppingToken.IsCancellationRequested)
                {
                    Log.ProbeFailed(_logger, error);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one query; returns null when it succeeded, else why not.</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        string? error;
        try
        {
            await using var db = await _factory.CreateDbContextAsync(timeout.Token);
            error = await db.Database.CanConnectAsync(timeout.Token) ? null : "no connection could be opened";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {ProbeTimeout.TotalSeconds:0} s";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex.Message;
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            _up = error is null ? 1 : 0;
        }

        return error;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The database does not answer: {Error}")]
        public static partial void ProbeFailed(ILogger logger, string error);
    }
}
