using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Forwarding;

/// <summary>
/// Spans for tunnel requests (ActivitySource <see cref="SourceName"/>), created only while a
/// tracer listens (the server's OTLP export), so untraced servers pay nothing. The span's ids are
/// the traceparent the local service gets.
/// </summary>
public static class EdgeTracing
{
    public const string SourceName = "Fdt.Edge";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of a tunnel request, continuing the visitor's valid traceparent.</summary>
    internal static Activity? Start(HttpRequest request, string tunnelName)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var incoming = request.Headers[RequestIds.TraceParentHeader];
        var parent = incoming.Count == 1 && incoming[0] is { } value && RequestIds.IsTraceParent(value) && ActivityContext.TryParse(value, null, out var context)
            ? context
            : default;
        var activity = Source.StartActivity("tunnel.request", ActivityKind.Server, parent);
        if (activity is not null)
        {
            activity.SetTag("fdt.tunnel", tunnelName);
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("url.path", request.Path.Value);
            activity.SetTag("server.address", request.Host.Host);
        }

        return activity;
    }

    /// <summary>Ends the span when the request is done.</summary>
    internal static async Task CompleteAsync(Task request, Activity activity, HttpContext context)
    {
        try
        {
            await request.ConfigureAwait(false);
        }
        finally
        {
            activity.SetTag("http.response.status_code", context.Response.StatusCode);
            if (context.Response.Headers["Fdt-Error-Code"] is { Count: > 0 } code)
            {
                activity.SetTag("fdt.error_code", code.ToString());
                activity.SetStatus(ActivityStatusCode.Error);
            }

            activity.Dispose();
        }
    }
}
