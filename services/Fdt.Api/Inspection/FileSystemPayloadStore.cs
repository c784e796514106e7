namespace Fdt.Api.Inspection;

/// <summary>Bodies as files under the data directory's <c>payloads/</c> folder (the default store).</summary>
public sealed class FileSystemPayloadStore(string root) : IPayloadStore
{
    public string Kind => "filesystem";

    public string Root { get; } = Path.GetFullPath(root);

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            File.Delete(PathOf(key));
        }

        // Day folders left empty go too.
        foreach (var folder in keys.Select(k => Path.GetDirectoryName(PathOf(k))!).Distinct(StringComparer.Ordinal))
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }

        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        if (!PayloadKeys.IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a payload key.", nameof(key));
        }

        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
