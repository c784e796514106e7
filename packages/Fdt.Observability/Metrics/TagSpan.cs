namespace Fdt.Observability.Metrics;

/// <summary>The tags of one measurement, as the listener hands them over (looked up without copying).</summary>
internal readonly ref struct TagSpan(ReadOnlySpan<KeyValuePair<string, object?>> tags)
{
    public ReadOnlySpan<KeyValuePair<string, object?>> Tags { get; } = tags;
}
