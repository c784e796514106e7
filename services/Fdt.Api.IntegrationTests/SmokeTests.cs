using Fdt.Api.IntegrationTests.Infrastructure;

namespace Fdt.Api.IntegrationTests;

public sealed class SmokeTests
{
    [Fact]
    public async Task OpenApiDocument_IsServed()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"openapi\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(!ApiFactory.IsPostgres, File.Exists(Path.Combine(factory.DataDirectory, "fdt.db")));
    }
}
