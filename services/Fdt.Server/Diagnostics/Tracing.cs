using Fdt.Edge.Forwarding;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fdt.Server.Diagnostics;

/// <summary>
/// OpenTelemetry tracing, exported with OTLP when <c>Tracing:OtlpEndpoint</c> is set (e.g.
/// http://collector:4318 for OTLP over HTTP, or :4317 with <c>Tracing:Protocol=grpc</c>): spans of
/// tunnel requests (<see cref="EdgeTracing"/>) and of ASP.NET Core requests.
/// </summary>
internal static class Tracing
{
    public static void AddFdtTracing(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Tracing");
        if (section["OtlpEndpoint"] is not { Length: > 0 } endpoint)
        {
            return;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"Tracing:OtlpEndpoint '{endpoint}' is not an http(s) URL.");
        }

        var grpc = string.Equals(section["Protocol"], "grpc", StringComparison.OrdinalIgnoreCase);
        var delay = section.GetValue("BatchDelay", TimeSpan.FromSeconds(5));
        var version = typeof(Tracing).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(section["ServiceName"] ?? "fdt-server", serviceVersion: version))
            .AddSource(EdgeTracing.SourceName, "Microsoft.AspNetCore")
            .AddOtlpExporter(otlp =>
            {
                otlp.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                otlp.Endpoint = grpc ? baseUri : new Uri(baseUri, baseUri.AbsolutePath.TrimEnd('/') + "/v1/traces");
                otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)Math.Max(1, delay.TotalMilliseconds);
            })
            .Build());

        // Created at start, so spans are recorded from the first request; disposed (flushed) at stop.
        builder.Services.AddHostedService<TracingStarter>();
    }

    private sealed class TracingStarter(TracerProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(provider);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            provider.ForceFlush(5000);
            return Task.CompletedTask;
        }
    }
}
