namespace Fdt.Agent.Inspection.Export;

/// <summary>A header, query parameter, cookie or form field.</summary>
internal sealed record HarNameValue(string Name, string Value);
