namespace Fdt.Agent.Inspection.Export;

internal sealed record HarRequest(
    string Method,
    string Url,
    string HttpVersion,
    IReadOnlyList<HarNameValue> Cookies,
    IReadOnlyList<HarNameValue> Headers,
    IReadOnlyList<HarNameValue> QueryString,
    long HeadersSize,
    long BodySize)
{
    public HarPostData? PostData { get; init; }
}
