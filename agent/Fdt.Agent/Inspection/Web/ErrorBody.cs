namespace Fdt.Agent.Inspection.Web;

/// <summary>What the inspector API answers when it refuses or fails.</summary>
internal sealed record ErrorBody(string Error);
