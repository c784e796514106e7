using Fdt.Agent.Inspection.Export;

namespace Fdt.Agent.Inspection.Web;

/// <summary>A body as the inspector shows it.</summary>
internal sealed record BodyView
{
    /// <summary>Bytes that went through (chunked framing removed, content coding kept).</summary>
    public long Size { get; init; }

    /// <summary>Bytes captured.</summary>
    public long CapturedSize { get; init; }

    public bool Truncated { get; init; }

    /// <summary>Why it was truncated: "body-limit", or "memory-limit" (the rest was not captured).</summary>
    public string? Truncation { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The content coding undone for display ("gzip").</summary>
    public string? DecodedFrom { get; init; }

    /// <summary>none, json, form, text or binary.</summary>
    public required string Kind { get; init; }

    /// <summary>The text (JSON pretty-printed) for json, form and text bodies.</summary>
    public string? Text { get; init; }

    /// <summary>Fields of a URL-encoded form.</summary>
    public IReadOnlyList<HarNameValue>? Form { get; init; }

    /// <summary>A hex dump of the first bytes of a binary body.</summary>
    public string? HexHead { get; init; }
}
