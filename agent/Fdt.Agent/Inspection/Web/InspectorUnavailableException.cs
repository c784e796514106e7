namespace Fdt.Agent.Inspection.Web;

/// <summary>The inspector could not listen where it was asked to.</summary>
internal sealed class InspectorUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
