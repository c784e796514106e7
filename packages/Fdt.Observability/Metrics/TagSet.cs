namespace Fdt.Observability.Metrics;

/// <summary>A stored tag combination, the key of one series. Order does not matter.</summary>
internal sealed class TagSet
{
    public TagSet(KeyValuePair<string, object?>[] tags)
    {
        Tags = tags;
        Hash = TagSetComparer.ComputeHash(tags);
    }

    public KeyValuePair<string, object?>[] Tags { get; }

    public int Hash { get; }
}
