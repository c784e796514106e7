using Microsoft.EntityFrameworkCore;

namespace Fdt.Data.IntegrationTests;

/// <summary>A fresh, migrated database on either provider.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _sqliteDirectory;

    private TestDatabase(DataOptions options, string? sqliteDirectory)
    {
        Options = options;
        _sqliteDirectory = sqliteDirectory;
    }

    public DataOptions Options { get; }

    public static async Task<TestDatabase> CreateAsync(string provider, PostgresFixture postgres, bool migrate = true)
    {
        TestDatabase database;
        if (provider == "postgres")
        {
            var connectionString = await postgres.Server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
            database = new TestDatabase(new DataOptions { Provider = "postgres", ConnectionString = connectionString }, null);
        }
        else
        {
            var directory = Path.Combine(Path.GetTempPath(), $"fdt-sqlite-{Guid.NewGuid():N}");
            database = new TestDatabase(new DataOptions { Provider = "sqlite", Directory = directory }, directory);
        }

        if (migrate)
        {
            await using var db = database.CreateContext();
            await DatabaseMigrator.MigrateAsync(db, TestContext.Current.CancellationToken);
        }

        return database;
    }

    public FdtDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<FdtDbContext>();
        DataServiceCollectionExtensions.Configure(builder, Options);
        return new FdtDbContext(builder.Options);
    }

    public ValueTask DisposeAsync()
    {
        if (_sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return ValueTask.CompletedTask;
    }
}
