using Fdt.Testing;

[assembly: AssemblyFixture(typeof(Fdt.Data.IntegrationTests.PostgresFixture))]

namespace Fdt.Data.IntegrationTests;

/// <summary>One PostgreSQL cluster for the whole test assembly.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
