using System.Globalization;

namespace Fdt.Testing;

/// <summary>
/// A throwaway S3-compatible server (npm's s3rver, installed in scripts/test-tools by
/// scripts/install-test-deps.sh) on a free loopback port, with one bucket, storing in a temporary
/// directory that goes when it stops. Credentials are s3rver's fixed S3RVER/S3RVER.
/// </summary>
public sealed class S3rverServer : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly TestProcess _process;
    private readonly string _directory;

    private S3rverServer(TestProcess process, string directory, int port, string bucket)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Bucket = bucket;
    }

    public int Port { get; }

    public string Bucket { get; }

    public string ServiceUrl => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The bucket's stored objects on disk (s3rver keeps one folder per bucket).</summary>
    public string BucketDirectory => Path.Combine(_directory, Bucket);

    public static async Task<S3rverServer> StartAsync(string bucket = "fdt-test", CancellationToken cancellationToken = default)
    {
        var executable = Path.Combine(RepositoryRoot(), "scripts", "test-tools", "node_modules", ".bin", "s3rver");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: run scripts/install-test-deps.sh.");
        }

        var directory = Directory.CreateTempSubdirectory("fdt-s3rver-").FullName;
        var process = TestProcess.Start(executable, ["-d", directory, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", bucket, "--silent"]);
        try
        {
            var line = await process.WaitForLineAsync(l => l.Contains("listening on", StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(30), cancellationToken);
            var port = int.Parse(line[(line.LastIndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
            return new S3rverServer(process, directory, port, bucket);
        }
        catch
        {
            await process.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
