using System.Net;
using System.Net.Http.Json;
using Fdt.Api.Auth;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Auth;

public sealed class AccountTests
{
    private const string NewPassword = "a brand new password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Me_WithoutAccessToken_Returns401()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/v1/auth/me", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Me_MemberOfTwoTeams_ListsBothWithRoles()
    {
        await using var factory = CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com", TeamRole.Viewer, alice.TeamId);
        var bobsOwn = await AddTeamAsync(factory, "Bob's own");
        await DbAsync(factory, async db =>
        {
            db.Memberships.Add(new Membership { TeamId = bobsOwn, UserId = bob.User.Id, Role = TeamRole.Admin, CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync(Cancel);
        });

        var me = (await bob.Client.GetFromJsonAsync<MeResponse>("/v1/auth/me", Json, Cancel))!;

        Assert.Equal(bob.User.Id, me.Id);
        Assert.Equal("bob@example.com", me.Email);
        Assert.False(me.IsOperator);
        Assert.Equal(2, me.Teams.Count);
        Assert.Equal("viewer", me.Teams.Single(t => t.Id == alice.TeamId).Role);
        Assert.Equal("admin", me.Teams.Single(t => t.Id == bobsOwn).Role);
    }

    [Fact]
    public async Task ChangePassword_EndsAccessTokensAndRefreshTokens()
    {
        await using var factory = CreateFactory();
        await AddUserAsync(factory, "alice@example.com");
        var session = await LoginAsync(factory, "alice@example.com");
        var otherSession = await LoginAsync(factory, "alice@example.com");
        using var client = Client(factory, session.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/auth/me", Cancel)).StatusCode);

        using var change = await PostAsync(client, "/v1/auth/password", new { currentPassword = Seed.Password, newPassword = NewPassword });

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        using var me = await client.GetAsync("/v1/auth/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var anonymous = factory.CreateClient();
        foreach (var refreshToken in new[] { session.RefreshToken, otherSession.RefreshToken })
        {
            using var refresh = await PostAsync(anonymous, "/v1/auth/refresh", new { refreshToken });
            await ProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }

        using var oldPassword = await PostAsync(anonymous, "/v1/auth/login", new { email = "alice@example.com", password = Seed.Password });
        await ProblemAsync(oldPassword, HttpStatusCode.Unauthorized);
        var fresh = await LoginAsync(factory, "alice@example.com", NewPassword);
        using var freshClient = Client(factory, fresh.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await freshClient.GetAsync("/v1/auth/me", Cancel)).StatusCode);
        Assert.Single(await AuditedAsync(factory, "user.password"));
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentOrShortNew_Returns400AndKeepsPassword()
    {
        await using var factory = CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");

        using var wrongCurrent = await PostAsync(alice.Client, "/v1/auth/password", new { currentPassword = "not my password", newPassword = NewPassword });
        using var shortNew = await PostAsync(alice.Client, "/v1/auth/password", new { currentPassword = Seed.Password, newPassword = "short" });

        await ValidationProblemAsync(wrongCurrent, "currentPassword");
        await ValidationProblemAsync(shortNew, "newPassword");
        await LoginAsync(factory, "alice@example.com");
        Assert.Equal(HttpStatusCode.OK, (await alice.Client.GetAsync("/v1/auth/me", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Register_InviteMode_Returns403()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await PostAsync(client, "/v1/auth/register", new { email = "new@example.com", displayName = "New", password = NewPassword });

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("invitation", problem.GetProperty("title").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
    }

    [Fact]
    public async Task Register_OpenMode_CreatesUserOwningATeam()
    {
        await using var factory = CreateFactory(("Api:RegistrationMode", "open"));
        using var client = factory.CreateClient();

        using var response = await PostAsync(client, "/v1/auth/register", new { email = "New@Example.com", displayName = "Grace", password = NewPassword });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = await ReadAsync<SessionResponse>(response);
        Assert.Equal("new@example.com", session.User.Email);
        Assert.False(session.User.IsOperator);
        using var authorized = Client(factory, session.AccessToken);
        var me = (await authorized.GetFromJsonAsync<MeResponse>("/v1/auth/me", Json, Cancel))!;
        var team = Assert.Single(me.Teams);
        Assert.Equal("Grace's team", team.Name);
        Assert.Equal("owner", team.Role);
        Assert.Equal(team.Id, Assert.Single(await AuditedAsync(factory, "user.register")).TeamId);

        using var again = await PostAsync(client, "/v1/auth/register", new { email = "new@example.com", displayName = "Other", password = NewPassword });
        await ProblemAsync(again, HttpStatusCode.Conflict);

        using var invalid = await PostAsync(client, "/v1/auth/register", new { email = "x", displayName = new string('x', 201), password = "short" });
        await ValidationProblemAsync(invalid, "email", "displayName", "password");
    }
}
