using System.Diagnostics.Metrics;

namespace Fdt.Protocol.Mux;

/// <summary>
/// Process-wide instruments of the multiplexer (meter <c>Fdt.Protocol</c>). A static meter: the
/// mux has no host; recording costs one check while nothing listens.
/// </summary>
public static class MuxMetrics
{
    public const string MeterName = "Fdt.Protocol";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Creates the instruments now (a host calls it at start, so they are exposed before first use).</summary>
    public static void EnsureCreated() => GC.KeepAlive(FlowControlStalls);

    /// <summary>Times a stream writer waited for the peer to open its flow-control window.</summary>
    public static readonly Counter<long> FlowControlStalls = Meter.CreateCounter<long>(
        "fdt.mux.flow_control.stalls",
        "{stall}",
        "Times a stream writer waited for the peer to grant flow-control window (backpressure from a slow reader).");
}
