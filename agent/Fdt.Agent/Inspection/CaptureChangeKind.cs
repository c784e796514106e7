namespace Fdt.Agent.Inspection;

/// <summary>What changed in a <see cref="CaptureStore"/>.</summary>
internal enum CaptureChangeKind
{
    Added,
    Updated,
    Removed,
    Cleared,
}
