using System.Text.Json.Serialization;

namespace Fdt.Agent.Inspection.Export;

/// <summary>A request body: <see cref="Params"/> for URL-encoded forms, <see cref="Text"/> otherwise (base64 when <see cref="Encoding"/> says so).</summary>
internal sealed record HarPostData(string MimeType)
{
    public string? Text { get; init; }

    public IReadOnlyList<HarNameValue>? Params { get; init; }

    /// <summary>A custom field (HAR allows those with a leading underscore): "base64" for binary bodies.</summary>
    [JsonPropertyName("_encoding")]
    public string? Encoding { get; init; }

    public string? Comment { get; init; }
}
