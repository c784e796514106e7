using System.Diagnostics.Metrics;
using Fdt.Server.Certificates;

namespace Fdt.Server.Hosting;

/// <summary>
/// The server's own instruments (meter <c>Fdt.Server</c>): build information, and the expiry of
/// the certificates the HTTPS listener presents.
/// </summary>
internal sealed class ServerMetrics
{
    public const string MeterName = "Fdt.Server";

    public ServerMetrics(IMeterFactory meterFactory, ServerSettings settings, IServiceProvider services)
    {
        var meter = meterFactory.Create(MeterName);
        var info = new Measurement<int>(
            1,
            new KeyValuePair<string, object?>("version", typeof(ServerMetrics).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"),
            new KeyValuePair<string, object?>("roles", settings.Roles.Names()));
        meter.CreateObservableGauge("fdt.build.info", () => info, description: "Always 1; labels: the server's version and the roles this process runs.");
        if (services.GetService<ServerCertificates>() is { } certificates)
        {
            meter.CreateObservableGauge(
                "fdt.certificate.expiry_timestamp",
                () => certificates.Expiries().Select(c => new Measurement<double>(
                    c.NotAfter.ToUnixTimeSeconds(),
                    new KeyValuePair<string, object?>("domain", c.Domain),
                    new KeyValuePair<string, object?>("source", c.Source))),
                "s",
                "When the certificates the HTTPS listener presents expire (Unix time), by domain and source (development_ca, uploaded).");
        }
    }
}
