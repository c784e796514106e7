using System.Globalization;
using System.Text.Json;

namespace Fdt.Agent.Inspection.Export;

/// <summary>Exports a captured exchange as a HAR 1.2 document with one entry.</summary>
internal static class HarExporter
{
    public static HarDocument Create(CapturedExchange exchange, string creatorVersion)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var duration = exchange.Duration?.TotalMilliseconds ?? 0;
        var wait = exchange.TimeToFirstByte?.TotalMilliseconds ?? duration;
        var entry = new HarEntry(
            exchange.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Math.Round(duration, 3),
            Request(exchange),
            Response(exchange),
            new HarCache(),
            new HarTimings(0, Math.Round(wait, 3), Math.Round(Math.Max(0, duration - wait), 3)))
        {
            Comment = exchange.ReplayOf is { } original ? $"fdt {exchange.Id}, replay of {original}" : $"fdt {exchange.Id}",
        };
        return new HarDocument(new HarLog("1.2", new HarCreator("fdt", creatorVersion), [entry]));
    }

    public static string Serialize(HarDocument document) => JsonSerializer.Serialize(document, HarJsonContext.Default.HarDocument);

    private static HarRequest Request(CapturedExchange exchange)
    {
        var head = exchange.Request;
        var url = exchange.PublicUrl ?? exchange.Target;
        var query = exchange.Target.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? FormFields.Parse(exchange.Target[(q + 1)..]) : [];
        var request = new HarRequest(exchange.Method, url, head.Version, Cookies(head, "Cookie"), Headers(head), query, -1, exchange.RequestBody.Size);
        if (exchange.RequestBody.Size == 0)
        {
            return request;
        }

        var content = BodyContent.From(exchange.RequestBody, head);
        var mimeType = content.ContentType ?? "application/octet-stream";
        var comment = Truncation(exchange.RequestBody);
        HarPostData postData;
        if (content.IsForm && !exchange.RequestBody.IsTruncated)
        {
            postData = new HarPostData(mimeType) { Params = FormFields.Parse(content.Text), Comment = comment };
        }
        else if (content.IsText)
        {
            postData = new HarPostData(mimeType) { Text = content.Text, Comment = comment };
        }
        else
        {
            postData = new HarPostData(mimeType) { Text = Convert.ToBase64String(content.Bytes), Encoding = "base64", Comment = comment };
        }

        return request with { PostData = postData };
    }

    private static HarResponse Response(CapturedExchange exchange)
    {
        if (exchange.Response is not { } head)
        {
            // No response (yet): HAR still needs one; status 0 is what browsers export for those.
            return new HarResponse(0, string.Empty, string.Empty, [], [], new HarContent(0, "x-unknown"), string.Empty, -1, -1);
        }

        var body = exchange.ResponseBody;
        var content = BodyContent.From(body, head);
        var harContent = new HarContent(content.Bytes.Length, content.ContentType ?? "x-unknown") { Comment = Truncation(body) };
        if (content.Bytes.Length > 0)
        {
            harContent = content.IsText
                ? harContent with { Text = content.Text }
                : harContent with { Text = Convert.ToBase64String(content.Bytes), Encoding = "base64" };
        }

        return new HarResponse(exchange.Status, exchange.Reason, head.Version, Cookies(head, "Set-Cookie"), Headers(head), harContent, head.Get("Location") ?? string.Empty, -1, body.Size);
    }

    private static string? Truncation(BodyCapture body) => body.Truncation switch
    {
        BodyTruncation.BodyLimit => $"truncated: {body.CapturedSize} of {body.Size} bytes captured (body limit)",
        BodyTruncation.MemoryLimit => $"truncated: {body.CapturedSize} of {body.Size} bytes captured (the inspector's memory was full)",
        _ => null,
    };

    private static List<HarNameValue> Headers(MessageHead head) => [.. head.Headers.Select(h => new HarNameValue(h.Name, h.Value))];

    private static List<HarNameValue> Cookies(MessageHead head, string headerName)
    {
        var cookies = new List<HarNameValue>();
        foreach (var header in head.Headers)
        {
            if (!header.Name.Equals(headerName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Cookie: a=1; b=2 — Set-Cookie: a=1; Path=/ (only the first pair is the cookie).
            var pairs = headerName == "Cookie" ? header.Value.Split(';') : [header.Value.Split(';')[0]];
            foreach (var pair in pairs)
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    cookies.Add(new HarNameValue(pair[..equals].Trim(), pair[(equals + 1)..].Trim()));
                }
            }
        }

        return cookies;
    }
}
