namespace Fdt.Agent.Inspection.Replay;

/// <summary>Header changes for a replay: <see cref="Remove"/> first, then <see cref="Set"/> (which replaces every value of a name).</summary>
internal sealed record ReplayHeaderChanges
{
    public IReadOnlyDictionary<string, string>? Set { get; init; }

    public IReadOnlyList<string>? Remove { get; init; }
}
