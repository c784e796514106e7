namespace Fdt.Data;

/// <summary>Where the control plane keeps its state (configuration section <c>Data</c>).</summary>
public sealed record DataOptions
{
    public const string SectionName = "Data";

    /// <summary>"sqlite" (embedded default) or "postgres".</summary>
    public string Provider { get; init; } = "sqlite";

    /// <summary>The connection string; for SQLite it defaults to <c>fdt.db</c> in <see cref="Directory"/>.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The server's data directory (SQLite's default location).</summary>
    public string? Directory { get; init; }

    /// <summary>Apply migrations at start (the embedded default); large installations may run them separately.</summary>
    public bool MigrateOnStart { get; init; } = true;

    internal bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase) || string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase);

    internal string ResolveConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        if (IsPostgres)
        {
            throw new InvalidOperationException("Data:Provider is postgres but Data:ConnectionString is not set.");
        }

        var directory = Directory ?? Environment.CurrentDirectory;
        return $"Data Source={Path.Combine(directory, "fdt.db")};Cache=Shared;Foreign Keys=True";
    }
}
