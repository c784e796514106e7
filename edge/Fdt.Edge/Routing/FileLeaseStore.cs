using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Fdt.Edge.Routing;

/// <summary>
/// Persists leases as JSON in the data directory. Writes are coalesced (at most one write per
/// <see cref="WriteDelay"/>) and atomic (temporary file, then rename), so a crash never leaves a
/// torn file and a burst of binds costs one write.
/// </summary>
public sealed partial class FileLeaseStore : ILeaseStore, IDisposable
{
    private static readonly TimeSpan WriteDelay = TimeSpan.FromMilliseconds(100);

    private readonly string _path;
    private readonly ILogger<FileLeaseStore> _logger;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private IReadOnlyList<LeaseRecord>? _pending;
    private Task _writer = Task.CompletedTask;

    public FileLeaseStore(string path, ILogger<FileLeaseStore> logger)
    {
        _path = path;
        _logger = logger;
    }

    public IReadOnlyList<LeaseRecord> Load()
    {
        try
        {
            if (!File.Exists(_path))
            {
                return [];
            }

            var json = File.ReadAllBytes(_path);
            return JsonSerializer.Deserialize(json, LeaseJsonContext.Default.LeaseRecordArray) ?? [];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            Log.LoadFailed(_logger, _path, ex);
            return [];
        }
    }

    public void Save(IReadOnlyList<LeaseRecord> leases)
    {
        lock (_lock)
        {
            var idle = _pending is null;
            _pending = leases;
            if (idle)
            {
                _writer = WriteSoonAsync();
            }
        }
    }

    public async Task FlushAsync()
    {
        Task writer;
        lock (_lock)
        {
            writer = _writer;
        }

        await writer.ConfigureAwait(false);
        await WritePendingAsync().ConfigureAwait(false);
    }

    public void Dispose() => _writeLock.Dispose();

    private async Task WriteSoonAsync()
    {
        await Task.Delay(WriteDelay).ConfigureAwait(false);
        await WritePendingAsync().ConfigureAwait(false);
    }

    private async Task WritePendingAsync()
    {
        try
        {
            await _writeLock.WaitAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Disposed with the host: the final flush already ran.
            return;
        }

        try
        {
            IReadOnlyList<LeaseRecord>? leases;
            lock (_lock)
            {
                leases = _pending;
                _pending = null;
            }

            if (leases is null)
            {
                return;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(_path))!;
            Directory.CreateDirectory(directory);
            var temporary = _path + ".tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes([.. leases], LeaseJsonContext.Default.LeaseRecordArray)).ConfigureAwait(false);
            File.Move(temporary, _path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SaveFailed(_logger, _path, ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.LeaseLoadFailed, LogLevel.Warning, "Could not read name leases from {Path}; starting without them")]
        public static partial void LoadFailed(ILogger logger, string path, Exception exception);

        [LoggerMessage(EventIds.LeaseSaveFailed, LogLevel.Error, "Could not write name leases to {Path}")]
        public static partial void SaveFailed(ILogger logger, string path, Exception exception);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(LeaseRecord[]))]
internal sealed partial class LeaseJsonContext : JsonSerializerContext;
