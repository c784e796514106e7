using Fdt.Agent.Inspection.Export;

namespace Fdt.Agent.Inspection.Web;

internal sealed record ResponseView(int Status, string Reason, string HttpVersion, IReadOnlyList<HarNameValue> Headers, BodyView Body);
