using System.Net;
using System.Net.Http.Json;
using Fdt.Api.Admin;
using Fdt.Api.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.IntegrationTests.Admin;

/// <summary>The operators' API: refused to everyone else, every change audited, no self-lockout.</summary>
public sealed class AdminApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "/v1/admin/users")]
    [InlineData("PATCH", "/v1/admin/users/00000000-0000-0000-0000-000000000001")]
    [InlineData("POST", "/v1/admin/users/00000000-0000-0000-0000-000000000001/reset-sessions")]
    [InlineData("GET", "/v1/admin/tunnels")]
    [InlineData("POST", "/v1/admin/tunnels/t_x/stop")]
    [InlineData("GET", "/v1/admin/edges")]
    [InlineData("GET", "/v1/admin/names")]
    [InlineData("GET", "/v1/admin/audit")]
    public async Task EveryEndpoint_RefusesTeamOwnersAndAnonymousCallers(string method, string path)
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : JsonContent.Create(new { disabled = true }) };
        using var refused = await owner.Client.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var anonymous = factory.CreateClient();
        using var again = new HttpRequestMessage(new HttpMethod(method), path);
        using var unauthorized = await anonymous.SendAsync(again, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task Users_AreSearched_DisabledAndPromoted_WithAuditRecords()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var ops = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        using var ada = await Seed.UserAsync(factory, "ada@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com");

        var found = await ops.Client.GetFromJsonAsync<AdminEndpoints.UserPage>("/v1/admin/users?q=ADA", IdentityApi.Json, Cancel);
        Assert.Equal("ada@example.com", Assert.Single(found!.Items).Email);
        Assert.Equal(1, found.Total);

        using (var disable = await ops.Client.PatchAsJsonAsync($"/v1/admin/users/{ada.User.Id}", new { disabled = true }, Cancel))
        {
            var view = await IdentityApi.ReadAsync<AdminEndpoints.UserView>(disable);
            Assert.True(view.IsDisabled);
        }

        // Ada's access token ended with the account.
        using (var me = await ada.Client.GetAsync("/v1/auth/me", Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using (var promote = await ops.Client.PatchAsJsonAsync($"/v1/admin/users/{bob.User.Id}", new { @operator = true }, Cancel))
        {
            Assert.True((await IdentityApi.ReadAsync<AdminEndpoints.UserView>(promote)).IsOperator);
        }

        var disabled = Assert.Single(await IdentityApi.AuditedAsync(factory, "admin.user.disable"));
        Assert.Equal((ops.User.Id, ada.User.Id.ToString("D"), "operator"), (disabled.ActorUserId!.Value, disabled.TargetId, disabled.ActorKind));
        Assert.Single(await IdentityApi.AuditedAsync(factory, "admin.user.operator"));

        using var empty = await ops.Client.PatchAsJsonAsync($"/v1/admin/users/{bob.User.Id}", new { }, Cancel);
        await IdentityApi.ValidationProblemAsync(empty, "disabled");
    }

    [Fact]
    public async Task Operators_CannotLockThemselvesOut_NorRemoveTheLastOperator()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var ops = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        using var other = await Seed.UserAsync(factory, "other-ops@example.com", isOperator: true);

        using (var self = await ops.Client.PatchAsJsonAsync($"/v1/admin/users/{ops.User.Id}", new { disabled = true }, Cancel))
        {
            await IdentityApi.ProblemAsync(self, HttpStatusCode.Conflict);
        }

        using (var demoteSelf = await ops.Client.PatchAsJsonAsync($"/v1/admin/users/{ops.User.Id}", new { @operator = false }, Cancel))
        {
            await IdentityApi.ProblemAsync(demoteSelf, HttpStatusCode.Conflict);
        }

        // Demoting the other operator leaves ops as the last one; then the other cannot demote ops
        // (no longer an operator: 403), and nothing can remove the last operator.
        using (var demote = await ops.Client.PatchAsJsonAsync($"/v1/admin/users/{other.User.Id}", new { @operator = false }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        }

        var stillOperator = await IdentityApi.DbAsync(factory, db => db.Users.CountAsync(u => u.IsOperator && !u.IsDisabled, Cancel));
        Assert.Equal(1, stillOperator);
        Assert.Empty(await IdentityApi.AuditedAsync(factory, "admin.user.disable"));
    }

    [Fact]
    public async Task ResetSessions_EndsAccessAndRefreshTokens()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var ops = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        using var ada = await Seed.UserAsync(factory, "ada@example.com");
        var session = await IdentityApi.LoginAsync(factory, "ada@example.com");

        using (var reset = await ops.Client.PostAsync($"/v1/admin/users/{ada.User.Id}/reset-sessions", null, Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        using (var me = await ada.Client.GetAsync("/v1/auth/me", Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using var client = factory.CreateClient();
        using var refresh = await IdentityApi.PostAsync(client, "/v1/auth/refresh", new { refreshToken = session.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        var audit = Assert.Single(await IdentityApi.AuditedAsync(factory, "admin.user.reset_sessions"));
        Assert.Equal(ada.User.Id.ToString("D"), audit.TargetId);
    }

    [Fact]
    public async Task Tunnels_AcrossTeams_AreListedAndStoppedWithTheirTeam()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var ops = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        using var ada = await Seed.UserAsync(factory, "ada@example.com");
        var tunnel = await ControlPlaneApi.AddTunnelAsync(factory, ada.TeamId, "adas-app");
        await ControlPlaneApi.AddTunnelAsync(factory, ops.TeamId, "ops-app");

        var all = (await ops.Client.GetFromJsonAsync<List<AdminEndpoints.AdminTunnelView>>("/v1/admin/tunnels", IdentityApi.Json, Cancel))!;
        Assert.Equal(["adas-app", "ops-app"], all.Select(t => t.Name).Order().ToArray());
        Assert.Equal("ada's team", all.Single(t => t.Name == "adas-app").TeamName);

        using (var stop = await ops.Client.PostAsync($"/v1/admin/tunnels/{tunnel.Id}/stop", null, Cancel))
        {
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }

        var stored = await IdentityApi.DbAsync(factory, db => db.TunnelSessions.AsNoTracking().SingleAsync(t => t.Id == tunnel.Id, Cancel));
        Assert.Equal(ops.User.Id, stored.StopRequestedByUserId);
        var audit = Assert.Single(await IdentityApi.AuditedAsync(factory, "admin.tunnel.stop"));
        Assert.Equal((ada.TeamId, tunnel.Id, ops.User.Id), (audit.TeamId!.Value, audit.TargetId, audit.ActorUserId!.Value));

        using var missing = await ops.Client.PostAsync("/v1/admin/tunnels/t_nothing/stop", null, Cancel);
        await IdentityApi.ProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Audit_FiltersByActionActorAndTeam_PagesAndVerifiesTheChain()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var ops = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        using var ada = await Seed.UserAsync(factory, "ada@example.com");
        for (var i = 0; i < 3; i++)
        {
            using var created = await ada.Client.PostAsJsonAsync($"/v1/teams/{ada.TeamId}/authtokens", new { description = $"token {i}" }, Cancel);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var reset = await ops.Client.PostAsync($"/v1/admin/users/{ada.User.Id}/reset-sessions", null, Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        var byAction = await ops.Client.GetFromJsonAsync<AdminEndpoints.AuditPage>("/v1/admin/audit?action=authtoken.", IdentityApi.Json, Cancel);
        Assert.Equal(3, byAction!.Items.Count);
        Assert.All(byAction.Items, e => Assert.Equal(("authtoken.create", "ada@example.com"), (e.Action, e.ActorEmail)));
        Assert.True(byAction.ChainVerified);

        var byActor = await ops.Client.GetFromJsonAsync<AdminEndpoints.AuditPage>("/v1/admin/audit?actor=ops@", IdentityApi.Json, Cancel);
        Assert.Equal("admin.user.reset_sessions", Assert.Single(byActor!.Items).Action);

        var byTeam = await ops.Client.GetFromJsonAsync<AdminEndpoints.AuditPage>($"/v1/admin/audit?teamId={ada.TeamId}&limit=2", IdentityApi.Json, Cancel);
        Assert.Equal(2, byTeam!.Items.Count);
        Assert.NotNull(byTeam.NextBefore);
        var rest = await ops.Client.GetFromJsonAsync<AdminEndpoints.AuditPage>($"/v1/admin/audit?teamId={ada.TeamId}&limit=2&before={byTeam.NextBefore}", IdentityApi.Json, Cancel);
        Assert.Single(rest!.Items);
        Assert.Null(rest.NextBefore);
        Assert.True(byTeam.Items[1].Id > rest.Items[0].Id);

        // A tampered event breaks the chain, and the page says which.
        var first = byAction.Items[^1].Id;
        await IdentityApi.DbAsync(factory, db => db.AuditEvents.Where(e => e.Id == first).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, "{}"), Cancel));
        var tampered = await ops.Client.GetFromJsonAsync<AdminEndpoints.AuditPage>("/v1/admin/audit", IdentityApi.Json, Cancel);
        Assert.False(tampered!.ChainVerified);
        Assert.Equal(first, tampered.FirstBrokenEventId);
    }

    [Fact]
    public async Task EdgesAndNames_AreListed()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var ops = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        using var ada = await Seed.UserAsync(factory, "ada@example.com");
        using (var reserve = await ada.Client.PostAsJsonAsync($"/v1/teams/{ada.TeamId}/reserved-names", new { name = "adas-shop" }, Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);
        }

        var names = await ops.Client.GetFromJsonAsync<AdminEndpoints.NamesView>("/v1/admin/names", IdentityApi.Json, Cancel);
        var name = Assert.Single(names!.Names);
        Assert.Equal(("adas-shop", "ada's team"), (name.Name, name.TeamName));

        // The in-memory server runs an edge: it registered itself and heartbeats.
        var edges = await ops.Client.GetFromJsonAsync<List<AdminEndpoints.EdgeView>>("/v1/admin/edges", IdentityApi.Json, Cancel);
        var edge = Assert.Single(edges!);
        Assert.True(edge.Healthy);
        Assert.Null(edge.StoppedAt);
    }
}
