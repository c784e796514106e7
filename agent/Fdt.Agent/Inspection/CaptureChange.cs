namespace Fdt.Agent.Inspection;

/// <summary>A change in a <see cref="CaptureStore"/> (no exchange for <see cref="CaptureChangeKind.Cleared"/>).</summary>
internal sealed record CaptureChange(CaptureChangeKind Kind, CapturedExchange? Exchange);
