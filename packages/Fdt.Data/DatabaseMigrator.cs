using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fdt.Data;

/// <summary>Creates and migrates the database before anything else starts.</summary>
internal sealed partial class DatabaseMigrator(IDbContextFactory<FdtDbContext> factory, DataOptions options, ILogger<DatabaseMigrator> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!options.MigrateOnStart)
        {
            return;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await MigrateAsync(db, cancellationToken);
        Log.Migrated(logger, options.IsPostgres ? "PostgreSQL" : "SQLite");
    }

    /// <summary>Applies pending migrations; on SQLite also switches to write-ahead logging.</summary>
    public static async Task MigrateAsync(FdtDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }

            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return;
        }

        // EF Core reads the history table before creating it, and logs that failed read as an error
        // on every fresh PostgreSQL database; create it first, exactly as EF Core would.
        await db.Database.ExecuteSqlRawAsync(
            """
            CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
                "MigrationId" character varying(150) NOT NULL,
                "ProductVersion" character varying(32) NOT NULL,
                CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY ("MigrationId"));
            """,
            cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Database ready ({Provider})")]
        public static partial void Migrated(ILogger logger, string provider);
    }
}
