using System.Net;
using System.Net.Http.Json;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.ReservedNames;
using Fdt.Data.Model;
using Fdt.Edge.Routing;
using Fdt.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.IntegrationTests.ReservedNames;

public sealed class ReservedNameTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_ReservesListsAndReleases_AndTheEdgeFollows()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var edge = factory.Services.GetRequiredService<INameReservationPolicy>();

        using var reserve = await owner.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/reserved-names", new { name = " Acme " }, Cancel);
        var created = await IdentityApi.ReadAsync<ReservedNamesEndpoints.ReservedNameView>(reserve);
        Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);
        Assert.Equal("acme", created.Name);
        var listed = await owner.Client.GetFromJsonAsync<List<ReservedNamesEndpoints.ReservedNameView>>($"/v1/teams/{owner.TeamId}/reserved-names", IdentityApi.Json, Cancel);
        Assert.Equal(["acme"], listed!.Select(r => r.Name));
        await Eventually.TrueAsync(() => edge.GetOwner("acme") == owner.TeamId.ToString("D"), "the edge does not know the reservation", TimeSpan.FromSeconds(3), Cancel);

        using var release = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/reserved-names/{created.Id}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, release.StatusCode);
        await Eventually.TrueAsync(() => edge.GetOwner("acme") is null, "the edge still holds the released name", TimeSpan.FromSeconds(3), Cancel);
        Assert.Single(await IdentityApi.AuditedAsync(factory, "name.reserve"));
        Assert.Single(await IdentityApi.AuditedAsync(factory, "name.release"));
    }

    [Fact]
    public async Task Name_IsReservedByOneTeamOnly()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com");

        using var first = await alice.Client.PostAsJsonAsync($"/v1/teams/{alice.TeamId}/reserved-names", new { name = "shop" }, Cancel);
        using var again = await alice.Client.PostAsJsonAsync($"/v1/teams/{alice.TeamId}/reserved-names", new { name = "shop" }, Cancel);
        using var other = await bob.Client.PostAsJsonAsync($"/v1/teams/{bob.TeamId}/reserved-names", new { name = "SHOP" }, Cancel);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await IdentityApi.ProblemAsync(again, HttpStatusCode.Conflict);
        await IdentityApi.ProblemAsync(other, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("-shop")]
    [InlineData("shop_1")]
    [InlineData("sh.op")]
    [InlineData("www")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task InvalidName_IsAValidationProblem(string? name)
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        using var response = await owner.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/reserved-names", new { name }, Cancel);

        await IdentityApi.ValidationProblemAsync(response, "name");
    }

    [Theory]
    [InlineData(TeamRole.Member)]
    [InlineData(TeamRole.Viewer)]
    public async Task BelowAdmin_MayListButNotChange(TeamRole role)
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var user = await Seed.UserAsync(factory, "user@example.com", role, owner.TeamId);
        using var reserve = await owner.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/reserved-names", new { name = "acme" }, Cancel);
        var created = await IdentityApi.ReadAsync<ReservedNamesEndpoints.ReservedNameView>(reserve);

        using var list = await user.Client.GetAsync($"/v1/teams/{owner.TeamId}/reserved-names", Cancel);
        using var add = await user.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/reserved-names", new { name = "other" }, Cancel);
        using var remove = await user.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/reserved-names/{created.Id}", Cancel);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        await IdentityApi.ProblemAsync(add, HttpStatusCode.Forbidden);
        await IdentityApi.ProblemAsync(remove, HttpStatusCode.Forbidden);
    }
}
