namespace Fdt.Agent.Inspection.Export;

internal sealed record HarLog(string Version, HarCreator Creator, IReadOnlyList<HarEntry> Entries);
