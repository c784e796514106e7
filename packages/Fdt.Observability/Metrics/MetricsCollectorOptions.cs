using System.Diagnostics.Metrics;

namespace Fdt.Observability.Metrics;

/// <summary>Which instruments the collector exposes.</summary>
public sealed record MetricsCollectorOptions
{
    /// <summary>
    /// Meters to listen to: exact names, or prefixes ending in <c>*</c>. By default FDT's own
    /// meters, .NET's runtime meter and Kestrel's connection counters.
    /// </summary>
    public IReadOnlyList<string> Meters { get; init; } = ["Fdt.*", "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel"];

    /// <summary>Instruments left out although their meter is listened to.</summary>
    public IReadOnlySet<string> ExcludedInstruments { get; init; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // Per-connection histograms with many labels: Kestrel's connection gauges are enough here.
        "kestrel.connection.duration",
        "kestrel.tls_handshake.duration",
    };

    /// <summary>Whether the collector listens to <paramref name="instrument"/>.</summary>
    public bool Includes(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (ExcludedInstruments.Contains(instrument.Name))
        {
            return false;
        }

        var meter = instrument.Meter.Name;
        foreach (var pattern in Meters)
        {
            var matches = pattern.EndsWith('*')
                ? meter.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
                : string.Equals(meter, pattern, StringComparison.Ordinal);
            if (matches)
            {
                return true;
            }
        }

        return false;
    }
}
