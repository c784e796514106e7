using System.Text;

namespace Fdt.Agent.Inspection;

/// <summary>The start line's parts and the header lines of one captured HTTP message.</summary>
/// <param name="Version">"HTTP/1.1" or "HTTP/1.0".</param>
internal sealed record MessageHead(string Version, IReadOnlyList<HeaderField> Headers)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The first value of header <paramref name="name"/>, or null.</summary>
    public string? Get(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>Bytes this head takes in memory, roughly (for the inspector's memory bound).</summary>
    public long EstimatedBytes
    {
        get
        {
            long total = 64;
            foreach (var header in Headers)
            {
                total += 48 + ((header.Name.Length + header.Value.Length) * 2);
            }

            return total;
        }
    }

    /// <summary>
    /// Reads the header lines of a head the parser has already validated, and the start line's
    /// HTTP version (its first token for responses, its last for requests).
    /// </summary>
    public static MessageHead Parse(ReadOnlySpan<byte> head, bool isRequest)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var startLine = lineEnd < 0 ? head : head[..lineEnd];
        var version = isRequest
            ? Encoding.ASCII.GetString(startLine[(startLine.LastIndexOf((byte)' ') + 1)..])
            : Encoding.ASCII.GetString(startLine[..Math.Max(0, startLine.IndexOf((byte)' '))]);
        var headers = new List<HeaderField>();
        var rest = lineEnd < 0 ? default : head[(lineEnd + 2)..];
        while (true)
        {
            var end = rest.IndexOf("\r\n"u8);
            if (end <= 0)
            {
                break;
            }

            var line = rest[..end];
            rest = rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            headers.Add(new HeaderField(Text(line[..colon]), Text(line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t'))));
        }

        return new MessageHead(version, headers);
    }

    /// <summary>Header bytes as text: UTF-8 when they are valid UTF-8, otherwise Latin-1 (every byte kept).</summary>
    internal static string Text(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return StrictUtf8.GetString(bytes);
        }

        return Encoding.Latin1.GetString(bytes);
    }
}
