using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Api.Authtokens;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.Security;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.IntegrationTests.Authtokens;

public sealed class AuthtokenTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_ShowsTheSecretOnceAndStoresOnlyItsHash()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        var created = await ControlPlaneApi.CreateAuthtokenAsync(owner, "build server");

        Assert.StartsWith("fdt_", created.Token, StringComparison.Ordinal);
        Assert.Equal(36, created.Token.Length);
        Assert.Equal(created.Token[..12], created.Prefix);
        var stored = await IdentityApi.DbAsync(factory, db => db.Authtokens.AsNoTracking().SingleAsync(a => a.Id == created.Id, Cancel));
        Assert.Equal(Secrets.Hash(created.Token), stored.SecretHash);
        Assert.DoesNotContain(created.Token, stored.SecretHash, StringComparison.Ordinal);
        Assert.Equal(owner.User.Id, stored.CreatedByUserId);

        var listed = await owner.Client.GetStringAsync($"/v1/teams/{owner.TeamId}/authtokens", Cancel);
        Assert.DoesNotContain(created.Token, listed, StringComparison.Ordinal);
        var views = JsonSerializer.Deserialize<List<AuthtokensEndpoints.AuthtokenView>>(listed, IdentityApi.Json)!;
        var view = Assert.Single(views);
        Assert.Equal(("build server", created.Prefix, (DateTime?)null), (view.Description, view.Prefix, view.RevokedAt));

        var audit = Assert.Single(await IdentityApi.AuditedAsync(factory, "authtoken.create"));
        Assert.Equal(owner.User.Id, audit.ActorUserId);
        Assert.DoesNotContain(created.Token, audit.Details ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_AreUnique()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        var first = await ControlPlaneApi.CreateAuthtokenAsync(owner);
        var second = await ControlPlaneApi.CreateAuthtokenAsync(owner);

        Assert.NotEqual(first.Token, second.Token);
        Assert.NotEqual(first.Prefix, second.Prefix);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    public async Task Create_WithBadDescription_IsAValidationProblem(string description)
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        using var response = await owner.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/authtokens", new { description }, Cancel);

        await IdentityApi.ValidationProblemAsync(response, "description");
        Assert.Equal(0, await IdentityApi.DbAsync(factory, db => db.Authtokens.CountAsync(Cancel)));
    }

    [Fact]
    public async Task Create_WithTooLongDescription_IsAValidationProblem()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        using var response = await owner.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/authtokens", new { description = new string('x', 201) }, Cancel);

        await IdentityApi.ValidationProblemAsync(response, "description");
    }

    [Fact]
    public async Task Viewer_MayListButNotCreate()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);

        using var list = await viewer.Client.GetAsync($"/v1/teams/{owner.TeamId}/authtokens", Cancel);
        using var create = await viewer.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/authtokens", new { description = "x" }, Cancel);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        await IdentityApi.ProblemAsync(create, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Member_RevokesOwnTokens_AdminRevokesAnyones()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var member = await Seed.UserAsync(factory, "member@example.com", TeamRole.Member, owner.TeamId);
        using var other = await Seed.UserAsync(factory, "other@example.com", TeamRole.Member, owner.TeamId);
        using var admin = await Seed.UserAsync(factory, "admin@example.com", TeamRole.Admin, owner.TeamId);
        var mine = await ControlPlaneApi.CreateAuthtokenAsync(member);
        var theirs = await ControlPlaneApi.CreateAuthtokenAsync(other);

        using var ownRevoke = await member.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/authtokens/{mine.Id}", Cancel);
        using var othersRevoke = await member.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/authtokens/{theirs.Id}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, ownRevoke.StatusCode);
        await IdentityApi.ProblemAsync(othersRevoke, HttpStatusCode.Forbidden);
        using (var stillWorks = await ControlPlaneApi.ExchangeAsync(factory, theirs.Token))
        {
            Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        }

        using var adminRevoke = await admin.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/authtokens/{theirs.Id}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, adminRevoke.StatusCode);

        foreach (var token in new[] { mine.Token, theirs.Token })
        {
            using var refused = await ControlPlaneApi.ExchangeAsync(factory, token);
            var problem = await IdentityApi.ProblemAsync(refused, HttpStatusCode.Unauthorized);
            Assert.Equal(Protocol.ErrorCodes.AuthenticationFailed, problem.GetProperty("code").GetString());
        }

        var revocations = await IdentityApi.AuditedAsync(factory, "authtoken.revoke");
        Assert.Equal([member.User.Id, admin.User.Id], revocations.Select(r => r.ActorUserId!.Value));
    }

    [Fact]
    public async Task Revoke_IsShownInTheListAndIsIdempotent()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var token = await ControlPlaneApi.CreateAuthtokenAsync(owner);

        using var first = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/authtokens/{token.Id}", Cancel);
        using var second = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/authtokens/{token.Id}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        var views = await owner.Client.GetFromJsonAsync<List<AuthtokensEndpoints.AuthtokenView>>($"/v1/teams/{owner.TeamId}/authtokens", IdentityApi.Json, Cancel);
        Assert.NotNull(Assert.Single(views!).RevokedAt);
        Assert.Single(await IdentityApi.AuditedAsync(factory, "authtoken.revoke"));
    }
}
