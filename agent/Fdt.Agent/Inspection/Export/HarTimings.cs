namespace Fdt.Agent.Inspection.Export;

/// <summary>Milliseconds: sending the request, waiting for the first response byte, receiving the rest.</summary>
internal sealed record HarTimings(double Send, double Wait, double Receive);
