using System.Text.Encodings.Web;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>Pages written without Razor: the 403 answer of the cookie handler.</summary>
internal static class ConsolePages
{
    public static async Task WriteForbiddenAsync(HttpContext context)
    {
        SecurityHeaders.Apply(context.Response);
        if (context.Request.Headers.ContainsKey("HX-Request"))
        {
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        var path = HtmlEncoder.Default.Encode(context.Request.Path.Value ?? "/");
        await context.Response.WriteAsync(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Not allowed · FDT</title><link rel="stylesheet" href="{Assets.Url("console.css")}"></head>
            <body class="bare"><main class="narrow"><h1>Not allowed</h1>
            <p>Your account may not open <code>{path}</code>: the operations panel is for the server's operators.</p>
            <p><a href="/">Back to the console</a></p></main></body></html>
            """);
    }
}
