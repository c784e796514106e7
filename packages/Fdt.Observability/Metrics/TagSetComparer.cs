namespace Fdt.Observability.Metrics;

/// <summary>
/// Compares tag combinations regardless of order, and looks a measurement's tags up without
/// copying them (the hot path: a counter increment allocates nothing once its series exists).
/// </summary>
internal sealed class TagSetComparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<TagSpan, TagSet>
{
    public static TagSetComparer Instance { get; } = new();

    public static int ComputeHash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // A sum of per-tag hashes does not depend on the order the caller gave the tags in.
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash += HashCode.Combine(tag.Key, tag.Value);
        }

        return hash;
    }

    public bool Equals(TagSet? x, TagSet? y)
        => ReferenceEquals(x, y) || (x is not null && y is not null && x.Hash == y.Hash && Same(x.Tags, y.Tags));

    public int GetHashCode(TagSet obj) => obj.Hash;

    public bool Equals(TagSpan alternate, TagSet other) => Same(alternate.Tags, other.Tags);

    public int GetHashCode(TagSpan alternate) => ComputeHash(alternate.Tags);

    public TagSet Create(TagSpan alternate) => new(alternate.Tags.ToArray());

    private static bool Same(ReadOnlySpan<KeyValuePair<string, object?>> a, ReadOnlySpan<KeyValuePair<string, object?>> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            // Callers usually pass tags in the same order: check the same position first.
            if (string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal))
            {
                if (!Equals(a[i].Value, b[i].Value))
                {
                    return false;
                }

                continue;
            }

            var found = false;
            foreach (var candidate in b)
            {
                if (string.Equals(a[i].Key, candidate.Key, StringComparison.Ordinal))
                {
                    found = Equals(a[i].Value, candidate.Value);
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
