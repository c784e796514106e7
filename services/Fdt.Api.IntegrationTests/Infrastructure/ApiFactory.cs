using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Fdt.Api.IntegrationTests.Infrastructure;

/// <summary>
/// The real server in memory, on a fresh SQLite database, or a fresh PostgreSQL database when
/// built as Fdt.Api.PostgresTests. It runs the edge, api and workers roles (the API's own plain
/// /setup and /activate pages are served); pass <c>roles: "all"</c> for the console too.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fdt-api-{Guid.NewGuid():N}");
    private readonly IReadOnlyDictionary<string, string?> _settings;
#if FDT_TEST_POSTGRES

    // One database per factory, shared with the factories WithWebHostBuilder derives from it.
    private readonly Lazy<string> _postgres = new(TestPostgres.CreateDatabase);
#endif

    private readonly string _roles;

    public ApiFactory(IReadOnlyDictionary<string, string?>? settings = null, string roles = "edge,api,workers")
    {
        _settings = settings ?? new Dictionary<string, string?>();
        _roles = roles;
    }

    public string DataDirectory => _directory;

#if FDT_TEST_POSTGRES
    public static bool IsPostgres => true;
#else
    public static bool IsPostgres => false;
#endif

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Host settings reach the program as --key=value arguments.
        builder.UseSetting("roles", _roles);
        var settings = new Dictionary<string, string?>
        {
            ["Server:DataDirectory"] = _directory,
            ["Data:Directory"] = _directory,
            ["Edge:LeaseFile"] = Path.Combine(_directory, "leases.json"),
        };
#if FDT_TEST_POSTGRES
        settings["Data:Provider"] = "postgres";
        settings["Data:ConnectionString"] = _postgres.Value;
#endif
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        // Added last, so these win over the command line's defaults.
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
#if FDT_TEST_POSTGRES

        // Close this database's idle pooled connections now (the host's background work, such as
        // the database probe, leaves some), instead of letting hundreds of test databases'
        // connections add up to the cluster's max_connections.
        if (_postgres.IsValueCreated)
        {
            using var connection = new Npgsql.NpgsqlConnection(_postgres.Value);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
#endif
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
