using Fdt.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fdt.Data;

/// <summary>Registers the control plane's database.</summary>
public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FdtDbContext"/> (scoped, and a pooled factory for background work) on SQLite
    /// or PostgreSQL per the <c>Data</c> section, the audit log, and migration at start.
    /// </summary>
    public static IHostApplicationBuilder AddFdtData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Resolved when first used, so that configuration added after this call (tests) applies.
        builder.Services.AddOptions<DataOptions>().BindConfiguration(DataOptions.SectionName);
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<DataOptions>>().Value);
        builder.Services.AddPooledDbContextFactory<FdtDbContext>((sp, db) => Configure(db, sp.GetRequiredService<DataOptions>()));
        builder.Services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<FdtDbContext>>().CreateDbContext());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditLog>();
        builder.Services.AddHostedService<DatabaseMigrator>();
        return builder;
    }

    /// <summary>Configures a context for the chosen provider (also used by tests).</summary>
    public static void Configure(DbContextOptionsBuilder db, DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var connectionString = options.ResolveConnectionString();
        if (options.IsPostgres)
        {
            db.UseNpgsql(connectionString);
        }
        else
        {
            db.UseSqlite(connectionString);
        }

        // Migrations are hand-written without a model snapshot, so EF cannot compare them with
        // the model; DataModelTests check the migrated schema against the model instead.
        db.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}
