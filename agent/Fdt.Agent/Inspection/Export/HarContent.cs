namespace Fdt.Agent.Inspection.Export;

/// <param name="Size">Bytes of the (decoded) content.</param>
internal sealed record HarContent(long Size, string MimeType)
{
    public string? Text { get; init; }

    /// <summary>"base64" when <see cref="Text"/> is base64.</summary>
    public string? Encoding { get; init; }

    public string? Comment { get; init; }
}
