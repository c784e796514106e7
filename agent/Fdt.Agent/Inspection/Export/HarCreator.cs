namespace Fdt.Agent.Inspection.Export;

internal sealed record HarCreator(string Name, string Version);
