using System.Net;
using System.Net.Http.Json;
using Fdt.Api.Auth;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Setup;

public sealed class SetupApiTests
{
    private const string Password = "a long enough password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetSetup_NoUsers_RequiredUntilSetupCompletes()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();
        Assert.True((await client.GetFromJsonAsync<SetupStatusBody>("/v1/setup", Json, Cancel))!.Required);

        using var created = await PostAsync(client, "/v1/setup", new { email = "root@example.com", displayName = "Root", password = Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False((await client.GetFromJsonAsync<SetupStatusBody>("/v1/setup", Json, Cancel))!.Required);
    }

    [Fact]
    public async Task PostSetup_FirstUser_CreatesOperatorOwningATeamAndSignsIn()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();
        using var response = await PostAsync(client, "/v1/setup", new { email = "  Root@Example.COM ", displayName = "Ada", password = Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = await ReadAsync<SessionResponse>(response);
        Assert.True(session.User.IsOperator);
        Assert.Equal("root@example.com", session.User.Email);
        Assert.StartsWith("fdt_rt_", session.RefreshToken, StringComparison.Ordinal);

        using var me = Client(factory, session.AccessToken);
        var profile = (await me.GetFromJsonAsync<MeResponse>("/v1/auth/me", Json, Cancel))!;
        var team = Assert.Single(profile.Teams);
        Assert.Equal("Ada's team", team.Name);
        Assert.Equal("owner", team.Role);

        // The password works for a normal sign-in too.
        Assert.True((await LoginAsync(factory, "root@example.com", Password)).User.IsOperator);

        var audit = Assert.Single(await AuditedAsync(factory, "setup.complete"));
        Assert.Equal(session.User.Id, audit.ActorUserId);
        Assert.Equal(team.Id, audit.TeamId);
    }

    [Fact]
    public async Task PostSetup_UserExists_Returns409()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();
        using var first = await PostAsync(client, "/v1/setup", new { email = "root@example.com", displayName = "Root", password = Password });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var second = await PostAsync(client, "/v1/setup", new { email = "mallory@example.com", displayName = "Mallory", password = Password });

        await ProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Equal(1, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
    }

    [Fact]
    public async Task PostSetup_Concurrent_CreatesExactlyOneOperator()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        var responses = await Task.WhenAll(
            PostAsync(client, "/v1/setup", new { email = "one@example.com", displayName = "One", password = Password }),
            PostAsync(client, "/v1/setup", new { email = "two@example.com", displayName = "Two", password = Password }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal(1, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task PostSetup_InvalidInput_Returns400AndCreatesNothing()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await PostAsync(client, "/v1/setup", new { email = "not-an-email", displayName = " ", password = "short" });

        await ValidationProblemAsync(response, "email", "displayName", "password");
        Assert.Equal(0, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
    }

    [Fact]
    public async Task PostSetup_LongestDisplayName_TeamNameFitsTheLimit()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();
        var name = new string('n', 200);

        using var response = await PostAsync(client, "/v1/setup", new { email = "root@example.com", displayName = name, password = Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var team = await DbAsync(factory, db => db.Teams.SingleAsync(Cancel));
        Assert.Equal(200, team.Name.Length);
        Assert.EndsWith("'s team", team.Name, StringComparison.Ordinal);
        Assert.True(await DbAsync(factory, db => db.Memberships.AnyAsync(m => m.TeamId == team.Id && m.Role == TeamRole.Owner, Cancel)));
    }

    private sealed record SetupStatusBody(bool Required);
}
