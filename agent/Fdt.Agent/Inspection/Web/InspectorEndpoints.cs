using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fdt.Agent.Inspection.Export;
using Fdt.Agent.Inspection.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fdt.Agent.Inspection.Web;

/// <summary>The inspector's page and JSON API (see docs/inspector.md).</summary>
internal sealed class InspectorEndpoints(CaptureStore store, ExchangeReplayer replayer, string version, CancellationToken stopping)
{
    /// <summary>How often the event stream sends a comment, so idle connections stay open through proxies.</summary>
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", Asset("index.html", "text/html; charset=utf-8"));
        routes.MapGet("/app.js", Asset("app.js", "text/javascript; charset=utf-8"));
        routes.MapGet("/app.css", Asset("app.css", "text/css; charset=utf-8"));
        routes.MapGet("/api/requests", new RequestDelegate(ListAsync));
        routes.MapDelete("/api/requests", new RequestDelegate(ClearAsync));
        routes.MapGet("/api/requests/{id}", new RequestDelegate(DetailAsync));
        routes.MapGet("/api/requests/{id}/har", new RequestDelegate(HarAsync));
        routes.MapGet("/api/requests/{id}/curl", new RequestDelegate(CurlAsync));
        routes.MapGet("/api/requests/{id}/request/body", new RequestDelegate(context => RawBodyAsync(context, request: true)));
        routes.MapGet("/api/requests/{id}/response/body", new RequestDelegate(context => RawBodyAsync(context, request: false)));
        routes.MapPost("/api/requests/{id}/replay", new RequestDelegate(ReplayAsync));
        routes.MapGet("/api/events", new RequestDelegate(EventsAsync));
    }

    private static RequestDelegate Asset(string name, string contentType) => context =>
    {
        context.Response.ContentType = contentType;
        return context.Response.Body.WriteAsync(InspectorAssets.Get(name), context.RequestAborted).AsTask();
    };

    private Task ListAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var status = query["status"].ToString();
        if (status.Length > 0 && !ExchangeQuery.IsValidStatus(status))
        {
            return Error(context, 400, "status must be a status code (404) or a class (4xx).");
        }

        var limit = 100;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return Error(context, 400, "limit must be a positive number.");
        }

        var filter = new ExchangeQuery
        {
            Status = status.Length > 0 ? status : null,
            Method = NullIfEmpty(query["method"].ToString()),
            PathContains = NullIfEmpty(query["path"].ToString()),
            Tunnel = NullIfEmpty(query["tunnel"].ToString()),
            Limit = Math.Min(limit, store.Options.MaxExchanges),
        };
        var exchanges = store.List(filter);
        var summaries = new ExchangeSummary[exchanges.Count];
        for (var i = 0; i < exchanges.Count; i++)
        {
            summaries[i] = ExchangeViews.Summary(exchanges[i]);
        }

        var options = store.Options;
        var list = new ExchangeList(summaries, store.Count, store.MemoryUsed, new CaptureLimits(options.BodyLimit, options.MaxExchanges, options.MemoryLimit));
        return Json(context, 200, list, InspectorJsonContext.Default.ExchangeList);
    }

    private Task ClearAsync(HttpContext context)
    {
        store.Clear();
        context.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private Task DetailAsync(HttpContext context)
        => Find(context) is { } exchange
            ? Json(context, 200, ExchangeViews.Detail(exchange), InspectorJsonContext.Default.ExchangeDetail)
            : NotFound(context);

    private Task HarAsync(HttpContext context)
    {
        if (Find(context) is not { } exchange)
        {
            return NotFound(context);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{exchange.Id}.har\"";
        return context.Response.WriteAsync(HarExporter.Serialize(HarExporter.Create(exchange, version)), context.RequestAborted);
    }

    private Task CurlAsync(HttpContext context)
    {
        if (Find(context) is not { } exchange)
        {
            return NotFound(context);
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(CurlExporter.Create(exchange), context.RequestAborted);
    }

    private Task RawBodyAsync(HttpContext context, bool request)
    {
        if (Find(context) is not { } exchange)
        {
            return NotFound(context);
        }

        // Always a download, never rendered: a captured body must not run as the inspector's own page.
        var bytes = (request ? exchange.RequestBody : exchange.ResponseBody).ToArray();
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{exchange.Id}-{(request ? "request" : "response")}.bin\"";
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    private async Task ReplayAsync(HttpContext context)
    {
        if (Find(context) is not { } original)
        {
            await NotFound(context);
            return;
        }

        ReplayRequest? changes = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            if (!context.Request.HasJsonContentType())
            {
                await Error(context, 415, "Send the changes as application/json.");
                return;
            }

            try
            {
                changes = await context.Request.ReadFromJsonAsync(InspectorJsonContext.Default.ReplayRequest, context.RequestAborted);
            }
            catch (JsonException ex)
            {
                await Error(context, 400, "The changes are not valid JSON: " + ex.Message);
                return;
            }
        }

        try
        {
            var replay = await replayer.ReplayAsync(original, changes, context.RequestAborted);
            await Json(context, 200, ExchangeViews.Detail(replay), InspectorJsonContext.Default.ExchangeDetail);
        }
        catch (ReplayException ex)
        {
            await Error(context, ex.Status, ex.Message);
        }
    }

    /// <summary>
    /// Server-sent events: <c>added</c> and <c>updated</c> (data: the exchange's summary),
    /// <c>removed</c> (data: its id) and <c>cleared</c>.
    /// </summary>
    private async Task EventsAsync(HttpContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = stop.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        using var subscription = store.Subscribe();
        try
        {
            await response.WriteAsync("retry: 1000\n\n", token);
            await response.Body.FlushAsync(token);
            var text = new StringBuilder();
            while (!token.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(token);
                wait.CancelAfter(KeepAliveInterval);
                try
                {
                    await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", token);
                    await response.Body.FlushAsync(token);
                    continue;
                }

                text.Clear();
                while (subscription.Reader.TryRead(out var change))
                {
                    AppendEvent(text, change);
                }

                await response.WriteAsync(text.ToString(), token);
                await response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away, or the inspector is stopping.
        }
    }

    private static void AppendEvent(StringBuilder text, CaptureChange change)
    {
        switch (change.Kind)
        {
            case CaptureChangeKind.Added or CaptureChangeKind.Updated:
                text.Append("event: ").Append(change.Kind == CaptureChangeKind.Added ? "added" : "updated").Append("\ndata: ")
                    .Append(JsonSerializer.Serialize(ExchangeViews.Summary(change.Exchange!), InspectorJsonContext.Default.ExchangeSummary))
                    .Append("\n\n");
                break;
            case CaptureChangeKind.Removed:
                text.Append("event: removed\ndata: ").Append(change.Exchange!.Id).Append("\n\n");
                break;
            default:
                text.Append("event: cleared\ndata: {}\n\n");
                break;
        }
    }

    private CapturedExchange? Find(HttpContext context)
        => context.Request.RouteValues["id"] is string id ? store.Find(id) : null;

    private static Task NotFound(HttpContext context)
        => Error(context, 404, $"No request {context.Request.RouteValues["id"]} (it may have been dropped to stay within the inspector's limits, or cleared).");

    private static Task Error(HttpContext context, int status, string message)
        => Json(context, status, new ErrorBody(message), InspectorJsonContext.Default.ErrorBody);

    private static Task Json<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, type, "application/json; charset=utf-8", context.RequestAborted);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
