namespace Fdt.Api.Inspection;

/// <summary>Where the inspector keeps captured bodies: the data directory, or an S3 bucket.</summary>
public interface IPayloadStore
{
    /// <summary>"filesystem" or "s3", for logs and metrics.</summary>
    string Kind { get; }

    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The stored bytes, or null when the key is unknown.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes keys; unknown ones are ignored.</summary>
    Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}

/// <summary>Keys are "TEAM/YYYY-MM-DD/ID.req" or ".res": grouped by team and day, never user input.</summary>
public static class PayloadKeys
{
    public static string For(Guid teamId, DateTime receivedAt, Guid captureId, bool request)
        => $"{teamId:N}/{receivedAt:yyyy-MM-dd}/{captureId:N}.{(request ? "req" : "res")}";

    /// <summary>Whether a key has the shape <see cref="For"/> makes (no path tricks).</summary>
    public static bool IsValid(string key)
        => key.Length is > 40 and < 100 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '.') && !key.Contains("..", StringComparison.Ordinal);
}
