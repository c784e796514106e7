using System.Text.Json.Serialization;

namespace Fdt.Agent.Inspection.Export;

internal sealed record HarResponse(
    int Status,
    string StatusText,
    string HttpVersion,
    IReadOnlyList<HarNameValue> Cookies,
    IReadOnlyList<HarNameValue> Headers,
    HarContent Content,
    [property: JsonPropertyName("redirectURL")] string RedirectUrl,
    long HeadersSize,
    long BodySize);
