using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Fdt.Api.Inspection;

/// <summary>A captured body decoded for display: JSON pretty-printed, form fields, text, or binary as size and a hex head.</summary>
/// <param name="Kind">"empty", "json", "form", "text", "binary" or "missing" (not stored).</param>
public sealed record CapturedBody(
    long Size,
    bool Truncated,
    string Kind,
    string? ContentType,
    string? ContentEncoding,
    string? Text,
    IReadOnlyList<string[]>? Form,
    string? HexHead,
    string? Base64)
{
    /// <summary>Bytes of a binary body shown as hex.</summary>
    public const int HexHeadBytes = 256;

    public static CapturedBody Decode(byte[]? stored, long size, bool truncated, bool missing, IReadOnlyList<string[]> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var contentType = Header(headers, "Content-Type");
        var encoding = Header(headers, "Content-Encoding");
        if (size == 0)
        {
            return new CapturedBody(0, false, "empty", contentType, encoding, null, null, null, null);
        }

        if (stored is null || missing)
        {
            return new CapturedBody(size, truncated, "missing", contentType, encoding, null, null, null, null);
        }

        var bytes = truncated ? stored : Decompress(stored, encoding);
        var base64 = Convert.ToBase64String(stored);
        var media = contentType?.Split(';')[0].Trim().ToLowerInvariant() ?? string.Empty;
        if (!IsUtf8(bytes))
        {
            return new CapturedBody(size, truncated, "binary", contentType, encoding, null, null, Convert.ToHexStringLower(bytes.AsSpan(0, Math.Min(bytes.Length, HexHeadBytes))), base64);
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (media == "application/x-www-form-urlencoded")
        {
            var form = text.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2))
                .Select(kv => new[] { Unescape(kv[0]), kv.Length > 1 ? Unescape(kv[1]) : string.Empty })
                .ToList();
            return new CapturedBody(size, truncated, "form", contentType, encoding, text, form, null, base64);
        }

        if ((media.EndsWith("json", StringComparison.Ordinal) || media.EndsWith("+json", StringComparison.Ordinal) || text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[')) && !truncated)
        {
            try
            {
                using var document = JsonDocument.Parse(bytes);
                return new CapturedBody(size, truncated, "json", contentType, encoding, JsonSerializer.Serialize(document.RootElement, Indented), null, null, base64);
            }
            catch (JsonException)
            {
                // Not JSON after all: shown as text.
            }
        }

        return new CapturedBody(size, truncated, "text", contentType, encoding, text, null, null, base64);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static string? Header(IReadOnlyList<string[]> headers, string name)
        => headers.FirstOrDefault(h => h.Length == 2 && string.Equals(h[0], name, StringComparison.OrdinalIgnoreCase))?[1];

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static bool IsUtf8(byte[] bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not (9 or 10 or 13))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>gzip, deflate and br bodies are shown decoded (when complete).</summary>
    private static byte[] Decompress(byte[] bytes, string? encoding)
    {
        try
        {
            using var input = new MemoryStream(bytes);
            using Stream? decoder = encoding?.Trim().ToLowerInvariant() switch
            {
                "gzip" => new GZipStream(input, CompressionMode.Decompress),
                "deflate" => new ZLibStream(input, CompressionMode.Decompress),
                "br" => new BrotliStream(input, CompressionMode.Decompress),
                _ => null,
            };
            if (decoder is null)
            {
                return bytes;
            }

            using var output = new MemoryStream();
            decoder.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return bytes;
        }
    }
}
