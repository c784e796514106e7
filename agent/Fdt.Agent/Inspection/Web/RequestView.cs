using Fdt.Agent.Inspection.Export;

namespace Fdt.Agent.Inspection.Web;

internal sealed record RequestView(string Method, string Target, string HttpVersion, IReadOnlyList<HarNameValue> Headers, BodyView Body);
