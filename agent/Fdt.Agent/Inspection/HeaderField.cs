namespace Fdt.Agent.Inspection;

/// <summary>One header line as it went through, name in its original case.</summary>
internal readonly record struct HeaderField(string Name, string Value);
