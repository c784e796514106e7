#if FDT_TEST_POSTGRES
using Fdt.Testing;

[assembly: AssemblyFixture(typeof(Fdt.Api.IntegrationTests.Infrastructure.TestPostgres))]

namespace Fdt.Api.IntegrationTests.Infrastructure;

/// <summary>
/// The throwaway PostgreSQL cluster the Fdt.Api.PostgresTests build runs every API test on:
/// started once for the assembly, one fresh database per <see cref="ApiFactory"/>.
/// </summary>
public sealed class TestPostgres : IAsyncLifetime
{
    private static PostgresServer? _server;

    /// <summary>Creates an empty database on the cluster and returns its connection string.</summary>
    public static string CreateDatabase()
    {
        var server = _server ?? throw new InvalidOperationException("The PostgreSQL cluster has not started.");

        // The factory configures its host synchronously; run the async call off any test context.
        return Task.Run(() => server.CreateDatabaseAsync(TestContext.Current.CancellationToken)).GetAwaiter().GetResult();
    }

    public async ValueTask InitializeAsync() => _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }
}
#endif
