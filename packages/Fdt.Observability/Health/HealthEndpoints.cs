using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fdt.Observability.Health;

/// <summary>
/// <c>/healthz</c> (liveness: the process answers) and <c>/readyz</c> (readiness: every check
/// tagged <see cref="HealthTags.Ready"/> passes; otherwise 503 with a JSON body naming what is not
/// ready).
/// </summary>
public static class HealthEndpoints
{
    public const string LivenessPath = "/healthz";

    public const string ReadinessPath = "/readyz";

    /// <summary>200 <c>ok</c>: the process is alive and serving requests.</summary>
    public static Task LiveAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync("ok\n", context.RequestAborted);
    }

    /// <summary>Runs the readiness checks: 200 when all pass (or are degraded), else 503.</summary>
    public static async Task ReadyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var service = context.RequestServices.GetRequiredService<HealthCheckService>();
        var report = await service.CheckHealthAsync(r => r.Tags.Contains(HealthTags.Ready), context.RequestAborted);
        var ready = report.Status != HealthStatus.Unhealthy;
        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";

        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("status", ready ? "ready" : "not_ready");
            json.WriteStartArray("notReady");
            foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (entry.Status == HealthStatus.Unhealthy)
                {
                    json.WriteStringValue(name);
                }
            }

            json.WriteEndArray();
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status switch
                {
                    HealthStatus.Healthy => "ready",
                    HealthStatus.Degraded => "degraded",
                    _ => "not_ready",
                });
                if ((entry.Description ?? entry.Exception?.Message) is { } description)
                {
                    json.WriteString("description", description);
                }

                json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
