namespace Fdt.EndToEnd.Tests.Monitoring;

/// <summary>infra/monitoring checked by promtool: the configuration, the alert rules and their unit tests.</summary>
public sealed class MonitoringConfigTests
{
    [Fact]
    public async Task PrometheusConfig_PassesPromtoolCheckConfig()
    {
        var (exitCode, output) = await Promtool.RunAsync(null, "check", "config", Path.Combine(MonitoringFiles.Directory, "prometheus.yml"));
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task AlertRules_PassPromtoolCheckRules()
    {
        var files = MonitoringFiles.RuleFiles.ToList();
        Assert.NotEmpty(files);
        var (exitCode, output) = await Promtool.RunAsync(null, ["check", "rules", .. files]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 9 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertRules_PassTheirPromtoolUnitTests()
    {
        var files = MonitoringFiles.RuleTestFiles.ToList();
        Assert.NotEmpty(files);
        var (exitCode, output) = await Promtool.RunAsync(null, ["test", "rules", .. files]);
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("FAILED", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAlert_HasARunbook()
    {
        var alerts = MonitoringFiles.AlertExpressions().Select(a => a.Source).ToList();
        Assert.Equal(9, alerts.Count);
        foreach (var alert in alerts)
        {
            Assert.True(File.Exists(Path.Combine(Binaries.RepositoryRoot, "docs", "runbooks", alert + ".md")), $"docs/runbooks/{alert}.md is missing");
        }
    }
}
