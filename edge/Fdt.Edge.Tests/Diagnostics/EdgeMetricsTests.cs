using System.Diagnostics.Metrics;
using Fdt.Edge.Diagnostics;
using Fdt.Edge.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fdt.Edge.Tests.Diagnostics;

public sealed class EdgeMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void TeamTag_BeyondMaxTeams_SharesTheOtherLabel()
    {
        var metrics = new EdgeMetrics(_services.GetRequiredService<IMeterFactory>(), new AgentSessionRegistry(), Options.Create(new EdgeMetricsOptions { MaxTeams = 2 }));

        Assert.Equal("team-a", metrics.TeamTag("team-a").Value);
        Assert.Equal("team-b", metrics.TeamTag("team-b").Value);
        Assert.Equal(EdgeMetrics.OtherTeams, metrics.TeamTag("team-c").Value);
        Assert.Equal(EdgeMetrics.OtherTeams, metrics.TeamTag("team-d").Value);
        Assert.Equal("team-a", metrics.TeamTag("team-a").Value);
        Assert.Equal("team", metrics.TeamTag("team-a").Key);
    }

    [Theory]
    [InlineData(200, "2xx")]
    [InlineData(101, "1xx")]
    [InlineData(308, "3xx")]
    [InlineData(404, "4xx")]
    [InlineData(502, "5xx")]
    [InlineData(999, "5xx")]
    public void RequestCompleted_CountsByStatusClass(int status, string expected)
    {
        var metrics = new EdgeMetrics(_services.GetRequiredService<IMeterFactory>(), new AgentSessionRegistry(), Options.Create(new EdgeMetricsOptions()));
        var seen = new List<(string Instrument, object? Class)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == _services.GetRequiredService<IMeterFactory>() && instrument.Name.StartsWith("fdt.edge.http.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => seen.Add((i.Name, tags[0].Value)));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => seen.Add((i.Name, tags[0].Value)));
        listener.Start();

        metrics.RequestCompleted(status, edgeError: false, 0.01);

        Assert.Contains(("fdt.edge.http.requests", (object?)expected), seen);
        Assert.Equal(status != 101, seen.Contains(("fdt.edge.http.request.duration", expected)));
    }
}
