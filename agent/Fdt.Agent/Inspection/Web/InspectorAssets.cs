using System.Collections.Concurrent;

namespace Fdt.Agent.Inspection.Web;

/// <summary>The inspector page's files, embedded in the assembly (no CDN, nothing to install).</summary>
internal static class InspectorAssets
{
    private static readonly ConcurrentDictionary<string, byte[]> Cache = new(StringComparer.Ordinal);

    /// <summary>The content of Assets/<paramref name="name"/>.</summary>
    public static byte[] Get(string name) => Cache.GetOrAdd(name, static name =>
    {
        using var stream = typeof(InspectorAssets).Assembly.GetManifestResourceStream("Fdt.Agent.Inspection.Web.Assets." + name)
            ?? throw new InvalidOperationException($"The inspector asset {name} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });
}
