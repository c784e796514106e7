using System.Text;

namespace Fdt.Agent.Inspection.Export;

/// <summary>
/// A curl command that sends a captured request again to the tunnel's public URL (so it goes
/// through the edge and its policy, unlike the inspector's replay): method, headers and body,
/// without the headers the edge adds or that curl sets itself.
/// </summary>
internal static class CurlExporter
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Expect",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
    };

    public static string Create(CapturedExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var builder = new StringBuilder();
        var body = exchange.RequestBody;
        var bytes = body.ToArray();

        // Any UTF-8 text without NULs fits in a quoted shell word; other bytes travel as base64.
        var binary = bytes.Length > 0 && (!System.Text.Unicode.Utf8.IsValid(bytes) || bytes.AsSpan().Contains((byte)0));
        if (body.IsTruncated)
        {
            builder.Append("# The request body was truncated: ").Append(body.CapturedSize).Append(" of ").Append(body.Size).Append(" bytes were captured, and only those are sent.\n");
        }

        if (binary)
        {
            builder.Append("printf '%s' ").Append(Quote(Convert.ToBase64String(bytes))).Append(" | base64 --decode | ");
        }

        builder.Append("curl");
        if (exchange.Method == "HEAD")
        {
            builder.Append(" --head");
        }
        else if (exchange.Method != "GET" || bytes.Length > 0)
        {
            builder.Append(" -X ").Append(Quote(exchange.Method));
        }

        builder.Append(' ').Append(Quote(exchange.PublicUrl ?? exchange.Target));
        foreach (var header in exchange.Request.Headers)
        {
            if (!Skipped.Contains(header.Name))
            {
                builder.Append(" \\\n  -H ").Append(Quote($"{header.Name}: {header.Value}"));
            }
        }

        if (binary)
        {
            builder.Append(" \\\n  --data-binary @-");
        }
        else if (bytes.Length > 0)
        {
            builder.Append(" \\\n  --data-binary ").Append(Quote(Encoding.UTF8.GetString(bytes)));
        }

        return builder.Append('\n').ToString();
    }

    /// <summary>A POSIX shell single-quoted word.</summary>
    internal static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
