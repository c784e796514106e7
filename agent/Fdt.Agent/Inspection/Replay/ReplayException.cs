namespace Fdt.Agent.Inspection.Replay;

/// <summary>A replay that could not be made; <see cref="Status"/> is the inspector API's answer.</summary>
internal sealed class ReplayException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
