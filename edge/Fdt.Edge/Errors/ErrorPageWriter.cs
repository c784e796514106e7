using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Errors;

/// <summary>
/// Writes an <see cref="EdgeError"/>: a small HTML page for browsers, RFC 9457 problem details
/// for clients that ask for JSON. The code also goes in the <c>Fdt-Error-Code</c> header, so
/// scripts can tell an edge error from the local service's own responses.
/// </summary>
internal static class ErrorPageWriter
{
    public const string ErrorCodeHeader = "Fdt-Error-Code";

    /// <param name="challenge">A <c>WWW-Authenticate</c> value to send with a 401.</param>
    public static Task WriteAsync(HttpContext context, EdgeError error, string? challenge = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        response.Clear();
        response.StatusCode = error.Status;
        response.Headers[ErrorCodeHeader] = error.Code;
        response.Headers["X-Request-Id"] = context.TraceIdentifier;
        if (challenge is not null)
        {
            response.Headers.WWWAuthenticate = challenge;
        }

        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        if (PrefersJson(context.Request))
        {
            response.ContentType = "application/problem+json";
            return response.WriteAsync(ProblemJson(context, error));
        }

        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        return response.WriteAsync(Html(context, error));
    }

    internal static bool PrefersJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        if (accept.Length == 0)
        {
            return false;
        }

        return (accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) || accept.Contains("+json", StringComparison.OrdinalIgnoreCase))
            && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    private static string ProblemJson(HttpContext context, EdgeError error)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", $"https://fdt.dev/errors/{error.Code}");
            writer.WriteString("title", error.Title);
            writer.WriteNumber("status", error.Status);
            writer.WriteString("detail", error.Description);
            writer.WriteString("code", error.Code);
            writer.WriteString("host", context.Request.Host.Value);
            writer.WriteString("requestId", context.TraceIdentifier);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Html(HttpContext context, EdgeError error)
    {
        var title = WebUtility.HtmlEncode(error.Title);
        var description = WebUtility.HtmlEncode(error.Description);
        var host = WebUtility.HtmlEncode(context.Request.Host.Value ?? string.Empty);
        var requestId = WebUtility.HtmlEncode(context.TraceIdentifier);
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{error.Status}} · {{title}}</title>
            <style>
              :root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --card: #f6f8fa; --accent: #cf222e; }
              @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --card: #161b22; --accent: #ff7b72; } }
              body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
              main { max-width: 40rem; margin: 12vh auto; padding: 0 1.5rem; }
              .status { font-size: .9rem; font-weight: 600; color: var(--accent); letter-spacing: .04em; }
              h1 { font-size: 1.6rem; margin: .25rem 0 1rem; }
              p { color: var(--muted); }
              dl { background: var(--card); border-radius: 8px; padding: 1rem 1.25rem; display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; font-size: .9rem; }
              dt { color: var(--muted); } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
              footer { margin-top: 2rem; font-size: .8rem; color: var(--muted); }
            </style>
            </head>
            <body>
            <main>
              <div class="status">HTTP {{error.Status}}</div>
              <h1>{{title}}</h1>
              <p>{{description}}</p>
              <dl>
                <dt>Error code</dt><dd>{{error.Code}}</dd>
                <dt>Host</dt><dd>{{host}}</dd>
                <dt>Request id</dt><dd>{{requestId}}</dd>
              </dl>
              <footer>Served by the FDT edge.</footer>
            </main>
            </body>
            </html>
            """;
    }
}
