using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Fdt.Api.Inspection;

/// <summary>A captured exchange as HAR 1.2 and as a curl command.</summary>
public static class CaptureExport
{
    /// <summary>A HAR 1.2 log with one entry.</summary>
    public static JsonObject Har(RequestsEndpoints.RequestDetail detail, string creatorVersion)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var url = Url(detail);
        var query = new JsonArray();
        var questionMark = detail.Target.IndexOf('?', StringComparison.Ordinal);
        if (questionMark >= 0)
        {
            foreach (var pair in detail.Target[(questionMark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                query.Add(new JsonObject { ["name"] = Uri.UnescapeDataString(kv[0]), ["value"] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty });
            }
        }

        var request = new JsonObject
        {
            ["method"] = detail.Method,
            ["url"] = url,
            ["httpVersion"] = "HTTP/1.1",
            ["cookies"] = new JsonArray(),
            ["headers"] = Headers(detail.RequestHeaders),
            ["queryString"] = query,
            ["headersSize"] = -1,
            ["bodySize"] = detail.RequestBody.Size,
        };
        if (detail.RequestBody.Size > 0)
        {
            request["postData"] = Body(detail.RequestBody, "mimeType");
        }

        var content = Body(detail.ResponseBody, "mimeType");
        content["size"] = detail.ResponseBody.Size;
        var wait = detail.FirstByteMilliseconds ?? detail.DurationMilliseconds;
        var entry = new JsonObject
        {
            ["startedDateTime"] = detail.ReceivedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture),
            ["time"] = detail.DurationMilliseconds,
            ["request"] = request,
            ["response"] = new JsonObject
            {
                ["status"] = detail.Status,
                ["statusText"] = StatusText(detail.Status),
                ["httpVersion"] = "HTTP/1.1",
                ["cookies"] = new JsonArray(),
                ["headers"] = Headers(detail.ResponseHeaders),
                ["content"] = content,
                ["redirectURL"] = CapturedBody.Header(detail.ResponseHeaders, "Location") ?? string.Empty,
                ["headersSize"] = -1,
                ["bodySize"] = detail.ResponseBody.Size,
            },
            ["cache"] = new JsonObject(),
            ["timings"] = new JsonObject { ["send"] = 0, ["wait"] = wait, ["receive"] = Math.Max(0, detail.DurationMilliseconds - wait) },
            ["comment"] = detail.ReplayOfId is { } original ? $"FDT capture {detail.Id:D}, replay of {original:D}" : $"FDT capture {detail.Id:D}",
        };
        if (detail.ClientAddress is not null)
        {
            entry["serverIPAddress"] = detail.ClientAddress;
        }

        return new JsonObject
        {
            ["log"] = new JsonObject
            {
                ["version"] = "1.2",
                ["creator"] = new JsonObject { ["name"] = "FDT", ["version"] = creatorVersion },
                ["entries"] = new JsonArray(entry),
            },
        };
    }

    /// <summary>A POSIX shell curl command that sends the request to the tunnel's public URL again.</summary>
    public static string Curl(RequestsEndpoints.RequestDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var command = new StringBuilder();
        var body = detail.RequestBody;
        var binary = body.Kind == "binary" && body.Base64 is not null;
        if (binary)
        {
            command.Append("printf '%s' ").Append(Quote(body.Base64!)).Append(" | base64 -d | ");
        }

        command.Append("curl -X ").Append(Quote(detail.Method)).Append(' ').Append(Quote(Url(detail)));
        foreach (var header in detail.RequestHeaders)
        {
            if (header[1] == "[redacted]" || header[0].Equals("Host", StringComparison.OrdinalIgnoreCase) || header[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            command.Append(" \\\n  -H ").Append(Quote($"{header[0]}: {header[1]}"));
        }

        if (binary)
        {
            command.Append(" \\\n  --data-binary @-");
        }
        else if (body.Size > 0 && body.Base64 is not null)
        {
            command.Append(" \\\n  --data-raw ").Append(Quote(Encoding.UTF8.GetString(Convert.FromBase64String(body.Base64))));
        }

        if (detail.RequestHeaders.Any(h => h[1] == "[redacted]"))
        {
            command.Append("\n# Redacted headers (").Append(string.Join(", ", detail.RequestHeaders.Where(h => h[1] == "[redacted]").Select(h => h[0]).Distinct(StringComparer.OrdinalIgnoreCase))).Append(") are left out.");
        }

        if (body.Truncated)
        {
            command.Append("\n# The body was cut at the capture limit: only its first ").Append(body.Base64 is null ? 0 : Convert.FromBase64String(body.Base64).Length).Append(" bytes are sent.");
        }

        return command.Append('\n').ToString();
    }

    /// <summary>Single-quoted for a POSIX shell.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Url(RequestsEndpoints.RequestDetail detail) => $"{detail.Scheme}://{detail.Host}{detail.Target}";

    private static JsonArray Headers(IReadOnlyList<string[]> headers)
        => [.. headers.Select(h => (JsonNode)new JsonObject { ["name"] = h[0], ["value"] = h[1] })];

    private static JsonObject Body(CapturedBody body, string typeField)
    {
        var json = new JsonObject { [typeField] = body.ContentType ?? string.Empty };
        if (body.Base64 is null)
        {
            json["text"] = string.Empty;
        }
        else if (body.Kind == "binary")
        {
            json["text"] = body.Base64;
            json["encoding"] = "base64";
        }
        else
        {
            json["text"] = Encoding.UTF8.GetString(Convert.FromBase64String(body.Base64));
        }

        if (body.Truncated)
        {
            json["comment"] = "truncated at the capture limit";
        }

        return json;
    }

    private static string StatusText(int status) => status switch
    {
        0 => string.Empty,
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };
}
