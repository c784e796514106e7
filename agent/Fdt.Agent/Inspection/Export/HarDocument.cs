namespace Fdt.Agent.Inspection.Export;

/// <summary>An HTTP Archive (HAR 1.2, http://www.softwareishard.com/blog/har-12-spec/).</summary>
internal sealed record HarDocument(HarLog Log);
