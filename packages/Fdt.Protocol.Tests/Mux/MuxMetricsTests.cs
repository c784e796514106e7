using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Fdt.Protocol.Mux;
using Fdt.Testing;

namespace Fdt.Protocol.Tests.Mux;

public sealed class MuxMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StalledReader_CountsAFlowControlStall()
    {
        long stalls = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MuxMetrics.MeterName && instrument.Name == "fdt.mux.flow_control.stalls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref stalls, value));
        listener.Start();

        await using var pair = MuxPair.Create(new MuxOptions { EnableKeepAlive = false }, new MuxOptions { EnableKeepAlive = false });
        var client = await pair.Client.OpenStreamAsync(Ct);
        var write = client.WriteAsync(RandomNumberGenerator.GetBytes(1024 * 1024), Ct).AsTask();
        var server = await pair.Server.AcceptStreamAsync(Ct);

        // Nobody reads, so the writer waits at the window: the session and the meter both count it.
        await Eventually.TrueAsync(() => pair.Client.FlowControlStalls > 0, cancellationToken: Ct);
        Assert.True(Interlocked.Read(ref stalls) >= pair.Client.FlowControlStalls);

        await server.ReadExactlyAsync(new byte[1024 * 1024], Ct);
        await write;
    }
}
