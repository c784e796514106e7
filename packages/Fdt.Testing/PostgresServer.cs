using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Fdt.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for tests, started from Debian's binaries on a free loopback
/// port (or the server named by <c>FDT_TEST_POSTGRES</c>, an admin connection string). Each test
/// gets a database of its own. A missing installation is a loud failure naming the install step.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly TestProcess? _process;
    private readonly string? _directory;
    private int _databases;

    private PostgresServer(string adminConnectionString, TestProcess? process, string? directory)
    {
        AdminConnectionString = adminConnectionString;
        _process = process;
        _directory = directory;
    }

    /// <summary>Connection string for the maintenance database.</summary>
    public string AdminConnectionString { get; }

    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var external = Environment.GetEnvironmentVariable("FDT_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external, null, null);
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed: run scripts/install-test-deps.sh (apt-get install postgresql), or set FDT_TEST_POSTGRES to a server's admin connection string.");
        }

        var directory = Path.Combine(Path.GetTempPath(), $"fdt-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres account.
            await RunAsync("chown", ["postgres", directory], cancellationToken);
        }

        await RunAsync(asRoot ? "runuser" : Path.Combine(bin, "initdb"), [.. (asRoot ? new[] { "-u", "postgres", "--", Path.Combine(bin, "initdb") } : []), "-D", Path.Combine(directory, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"], cancellationToken);

        var port = FreePort();
        string[] server = [Path.Combine(bin, "postgres"), "-D", Path.Combine(directory, "data"), "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={directory}", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "max_connections=300"];
        var process = asRoot ? TestProcess.Start("runuser", ["-u", "postgres", "--", .. server]) : TestProcess.Start(server[0], server[1..]);
        var admin = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5";
        var result = new PostgresServer(admin, process, directory);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync(cancellationToken);
                return result;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException)
            {
                await result.DisposeAsync();
                throw new InvalidOperationException("PostgreSQL did not start.\n" + process.Output, ex);
            }
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = $"fdt_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        await using var process = TestProcess.Start(file, arguments);
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({exit}).\n{process.Output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
