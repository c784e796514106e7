using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fdt.Agent.Inspection.Export;

namespace Fdt.Agent.Inspection.Web;

/// <summary>Turns captured exchanges into what the inspector API answers.</summary>
internal static class ExchangeViews
{
    /// <summary>Bytes of a binary body shown as hex.</summary>
    public const int HexHeadBytes = 256;

    private static readonly JsonWriterOptions PrettyJson = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string StateName(ExchangeState state) => state switch
    {
        ExchangeState.Pending => "pending",
        ExchangeState.Receiving => "receiving",
        ExchangeState.Complete => "complete",
        ExchangeState.Upgraded => "upgraded",
        _ => "incomplete",
    };

    public static ExchangeSummary Summary(CapturedExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var response = exchange.Response;
        return new ExchangeSummary
        {
            Id = exchange.Id,
            Tunnel = exchange.TunnelName,
            Method = exchange.Method,
            Target = exchange.Target,
            State = StateName(exchange.State),
            Status = response is null ? null : exchange.Status,
            Reason = response is null ? null : exchange.Reason,
            StartedAt = exchange.StartedAt,
            DurationMs = Milliseconds(exchange.Duration),
            RequestSize = exchange.RequestBody.Size,
            ResponseSize = exchange.ResponseBody.Size,
            RequestTruncated = exchange.RequestBody.IsTruncated,
            ResponseTruncated = exchange.ResponseBody.IsTruncated,
            ContentType = response?.Get("Content-Type"),
            RemoteAddress = exchange.RemoteAddress,
            ReplayOf = exchange.ReplayOf,
        };
    }

    public static ExchangeDetail Detail(CapturedExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var state = exchange.State;
        var response = exchange.Response;
        var webSocket = exchange.WebSocket;
        return new ExchangeDetail
        {
            Id = exchange.Id,
            Tunnel = exchange.TunnelName,
            State = StateName(state),
            ReplayOf = exchange.ReplayOf,
            StartedAt = exchange.StartedAt,
            DurationMs = Milliseconds(exchange.Duration),
            TimeToFirstByteMs = Milliseconds(exchange.TimeToFirstByte),
            RemoteAddress = exchange.RemoteAddress,
            Url = exchange.PublicUrl,
            Local = exchange.LocalTarget.ToString(),
            Request = new RequestView(exchange.Method, exchange.Target, exchange.Request.Version, Headers(exchange.Request), Body(exchange.RequestBody, exchange.Request)),
            Response = response is null
                ? null
                : new ResponseView(exchange.Status, exchange.Reason, response.Version, Headers(response), Body(exchange.ResponseBody, response)),
            WebSocket = webSocket is null ? null : new WebSocketView(webSocket.MessagesFromClient, webSocket.MessagesFromServer, webSocket.Closed),
            ServerSentEvents = exchange.ServerSentEvents,
        };
    }

    public static BodyView Body(BodyCapture body, MessageHead? head)
    {
        ArgumentNullException.ThrowIfNull(body);
        var content = BodyContent.From(body, head);
        var view = new BodyView
        {
            Kind = "none",
            Size = body.Size,
            CapturedSize = body.CapturedSize,
            Truncated = body.IsTruncated,
            Truncation = body.Truncation switch
            {
                BodyTruncation.BodyLimit => "body-limit",
                BodyTruncation.MemoryLimit => "memory-limit",
                _ => null,
            },
            ContentType = content.ContentType,
            DecodedFrom = content.DecodedFrom,
        };
        if (content.Bytes.Length == 0)
        {
            return view;
        }

        if (content.IsJson && TryIndent(content.Bytes) is { } pretty)
        {
            return view with { Kind = "json", Text = pretty };
        }

        if (content.IsForm)
        {
            var text = content.Text;
            return view with { Kind = "form", Text = text, Form = FormFields.Parse(text) };
        }

        if (content.IsText)
        {
            return view with { Kind = "text", Text = content.Text };
        }

        return view with { Kind = "binary", HexHead = HexDump(content.Bytes.AsSpan(0, Math.Min(HexHeadBytes, content.Bytes.Length))) };
    }

    /// <summary>Lines of 16 bytes: offset, hex, and the printable ASCII.</summary>
    internal static string HexDump(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder();
        for (var offset = 0; offset < bytes.Length; offset += 16)
        {
            var line = bytes.Slice(offset, Math.Min(16, bytes.Length - offset));
            builder.Append(offset.ToString("x8", CultureInfo.InvariantCulture)).Append("  ");
            for (var i = 0; i < 16; i++)
            {
                builder.Append(i < line.Length ? line[i].ToString("x2", CultureInfo.InvariantCulture) + " " : "   ");
                if (i == 7)
                {
                    builder.Append(' ');
                }
            }

            builder.Append(" |");
            foreach (var b in line)
            {
                builder.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            }

            builder.Append("|\n");
        }

        return builder.ToString();
    }

    private static string? TryIndent(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            using var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output, PrettyJson))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(output.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<HarNameValue> Headers(MessageHead head) => [.. head.Headers.Select(h => new HarNameValue(h.Name, h.Value))];

    private static double? Milliseconds(TimeSpan? value) => value is { } v ? Math.Round(v.TotalMilliseconds, 3) : null;
}
