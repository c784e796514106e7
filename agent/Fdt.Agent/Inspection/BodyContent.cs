using System.IO.Compression;
using System.Text;

namespace Fdt.Agent.Inspection;

/// <summary>
/// A captured body made readable: Content-Encoding (gzip, deflate, br) undone when the body is
/// whole, and its media type and charset worked out, so viewers and exporters agree on what it is.
/// </summary>
internal sealed class BodyContent
{
    /// <summary>Largest decompressed body shown (a zip bomb stops here).</summary>
    private const int MaxDecodedBytes = 8 * 1024 * 1024;

    private BodyContent(byte[] bytes, string? contentType, string? decodedFrom)
    {
        Bytes = bytes;
        ContentType = contentType;
        DecodedFrom = decodedFrom;
        var semicolon = contentType?.IndexOf(';', StringComparison.Ordinal) ?? -1;
        MediaType = (semicolon < 0 ? contentType : contentType![..semicolon])?.Trim().ToLowerInvariant() ?? string.Empty;
        Encoding = contentType is not null && (contentType.Contains("iso-8859-1", StringComparison.OrdinalIgnoreCase) || contentType.Contains("latin1", StringComparison.OrdinalIgnoreCase))
            ? System.Text.Encoding.Latin1
            : System.Text.Encoding.UTF8;
    }

    /// <summary>The bytes to show: decoded when <see cref="DecodedFrom"/> is set, as captured otherwise.</summary>
    public byte[] Bytes { get; }

    public string? ContentType { get; }

    /// <summary>The media type in lower case without parameters ("application/json"), or empty.</summary>
    public string MediaType { get; }

    /// <summary>The content coding that was undone ("gzip"), or null.</summary>
    public string? DecodedFrom { get; }

    public Encoding Encoding { get; }

    public bool IsJson => MediaType == "application/json" || MediaType.EndsWith("+json", StringComparison.Ordinal);

    public bool IsForm => MediaType == "application/x-www-form-urlencoded";

    /// <summary>Whether the bytes read as text: a textual media type, or no type and valid UTF-8 without NULs.</summary>
    public bool IsText
    {
        get
        {
            if (IsJson || IsForm || MediaType.StartsWith("text/", StringComparison.Ordinal) || MediaType.EndsWith("+xml", StringComparison.Ordinal)
                || MediaType is "application/xml" or "application/javascript" or "application/ecmascript" or "application/graphql" or "application/yaml" or "application/x-yaml" or "application/x-ndjson" or "image/svg+xml")
            {
                return true;
            }

            return MediaType.Length == 0 && System.Text.Unicode.Utf8.IsValid(Bytes) && !Bytes.AsSpan().Contains((byte)0);
        }
    }

    public string Text => Encoding.GetString(Bytes);

    /// <summary>Reads <paramref name="body"/> as sent with <paramref name="head"/>'s Content-Type and Content-Encoding.</summary>
    public static BodyContent From(BodyCapture body, MessageHead? head)
    {
        ArgumentNullException.ThrowIfNull(body);
        var bytes = body.ToArray();
        var contentType = head?.Get("Content-Type");
        var coding = head?.Get("Content-Encoding")?.Trim().ToLowerInvariant();
        if (bytes.Length == 0 || coding is null or "identity" || body.IsTruncated)
        {
            return new BodyContent(bytes, contentType, null);
        }

        return TryDecode(bytes, coding) is { } decoded
            ? new BodyContent(decoded, contentType, coding)
            : new BodyContent(bytes, contentType, null);
    }

    private static byte[]? TryDecode(byte[] bytes, string coding)
    {
        try
        {
            using var input = new MemoryStream(bytes);
            using Stream decoder = coding switch
            {
                "gzip" or "x-gzip" => new GZipStream(input, CompressionMode.Decompress),
                "deflate" => new ZLibStream(input, CompressionMode.Decompress),
                "br" => new BrotliStream(input, CompressionMode.Decompress),
                _ => Stream.Null,
            };
            if (decoder == Stream.Null)
            {
                return null;
            }

            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = decoder.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxDecodedBytes)
                {
                    return null;
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
