using System.Net;
using System.Net.Http.Json;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.Teams;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Teams;

public sealed class TeamTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateTeam_CallerBecomesOwner()
    {
        await using var factory = CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");

        using var response = await PostAsync(alice.Client, "/v1/teams", new { name = "  Platform  " });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var team = await ReadAsync<TeamSummary>(response);
        Assert.Equal("Platform", team.Name);
        Assert.Equal("owner", team.Role);
        Assert.Equal($"/v1/teams/{team.Id}", response.Headers.Location?.OriginalString);
        var mine = (await alice.Client.GetFromJsonAsync<List<TeamSummary>>("/v1/teams", Json, Cancel))!;
        Assert.Equal(new[] { "alice's team", "Platform" }, mine.Select(t => t.Name));
        var fetched = (await alice.Client.GetFromJsonAsync<TeamSummary>($"/v1/teams/{team.Id}", Json, Cancel))!;
        Assert.Equal(team, fetched);
        Assert.Equal(team.Id, Assert.Single(await AuditedAsync(factory, "team.create")).TeamId);
    }

    [Fact]
    public async Task CreateTeam_InvalidName_Returns400()
    {
        await using var factory = CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");

        using var empty = await PostAsync(alice.Client, "/v1/teams", new { name = "   " });
        using var tooLong = await PostAsync(alice.Client, "/v1/teams", new { name = new string('t', 201) });
        using var missing = await PostAsync(alice.Client, "/v1/teams", new { });

        await ValidationProblemAsync(empty, "name");
        await ValidationProblemAsync(tooLong, "name");
        await ValidationProblemAsync(missing, "name");
        Assert.Equal(1, await DbAsync(factory, db => db.Teams.CountAsync(Cancel)));
    }

    [Fact]
    public async Task RenameTeam_AsAdmin_RenamesAndAudits()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var admin = await Seed.UserAsync(factory, "admin@example.com", TeamRole.Admin, owner.TeamId);

        using var response = await admin.Client.PatchAsJsonAsync($"/v1/teams/{owner.TeamId}", new { name = "Renamed" }, Json, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Renamed", (await ReadAsync<TeamSummary>(response)).Name);
        Assert.Equal("Renamed", await DbAsync(factory, db => db.Teams.Where(t => t.Id == owner.TeamId).Select(t => t.Name).SingleAsync(Cancel)));
        var audit = Assert.Single(await AuditedAsync(factory, "team.update"));
        Assert.Equal(owner.TeamId, audit.TeamId);
        Assert.Equal(admin.User.Id, audit.ActorUserId);
    }

    [Fact]
    public async Task ListMembers_ShowsEveryMemberWithRole()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);

        var members = (await viewer.Client.GetFromJsonAsync<List<MemberSummary>>($"/v1/teams/{owner.TeamId}/members", Json, Cancel))!;

        Assert.Equal(2, members.Count);
        Assert.Equal("owner", members.Single(m => m.UserId == owner.User.Id).Role);
        var self = members.Single(m => m.UserId == viewer.User.Id);
        Assert.Equal(("viewer@example.com", "viewer", "viewer"), (self.Email, self.DisplayName, self.Role));
    }

    [Fact]
    public async Task ChangeRole_OwnerRole_OnlyOwnersGrantOrTakeIt()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var admin = await Seed.UserAsync(factory, "admin@example.com", TeamRole.Admin, owner.TeamId);
        using var member = await Seed.UserAsync(factory, "member@example.com", TeamRole.Member, owner.TeamId);
        var path = $"/v1/teams/{owner.TeamId}/members";

        using var adminGrantsOwner = await admin.Client.PatchAsJsonAsync($"{path}/{member.User.Id}", new { role = "owner" }, Json, Cancel);
        using var adminDemotesOwner = await admin.Client.PatchAsJsonAsync($"{path}/{owner.User.Id}", new { role = "member" }, Json, Cancel);
        using var adminGrantsAdmin = await admin.Client.PatchAsJsonAsync($"{path}/{member.User.Id}", new { role = "admin" }, Json, Cancel);
        using var ownerGrantsOwner = await owner.Client.PatchAsJsonAsync($"{path}/{admin.User.Id}", new { role = "owner" }, Json, Cancel);

        await ProblemAsync(adminGrantsOwner, HttpStatusCode.Forbidden);
        await ProblemAsync(adminDemotesOwner, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, adminGrantsAdmin.StatusCode);
        Assert.Equal("admin", (await ReadAsync<MemberSummary>(adminGrantsAdmin)).Role);
        Assert.Equal(HttpStatusCode.OK, ownerGrantsOwner.StatusCode);
        var roles = await DbAsync(factory, db => db.Memberships.Where(m => m.TeamId == owner.TeamId).ToDictionaryAsync(m => m.UserId, m => m.Role, Cancel));
        Assert.Equal(TeamRole.Owner, roles[owner.User.Id]);
        Assert.Equal(TeamRole.Owner, roles[admin.User.Id]);
        Assert.Equal(TeamRole.Admin, roles[member.User.Id]);
        var audits = await AuditedAsync(factory, "member.update");
        Assert.Equal(2, audits.Count);
        Assert.All(audits, a => Assert.Equal(owner.TeamId, a.TeamId));
    }

    [Fact]
    public async Task ChangeRole_LastOwner_CannotBeDemoted()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var second = await Seed.UserAsync(factory, "second@example.com", TeamRole.Admin, owner.TeamId);
        var path = $"/v1/teams/{owner.TeamId}/members/{owner.User.Id}";

        using var alone = await owner.Client.PatchAsJsonAsync(path, new { role = "admin" }, Json, Cancel);
        await ProblemAsync(alone, HttpStatusCode.Conflict);

        using var promote = await owner.Client.PatchAsJsonAsync($"/v1/teams/{owner.TeamId}/members/{second.User.Id}", new { role = "owner" }, Json, Cancel);
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        using var demote = await owner.Client.PatchAsJsonAsync(path, new { role = "admin" }, Json, Cancel);
        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        using var invalid = await owner.Client.PatchAsJsonAsync(path, new { role = "king" }, Json, Cancel);
        await ValidationProblemAsync(invalid, "role");
    }

    [Fact]
    public async Task RemoveMember_RulesForSelfOthersOwnersAndTheLastOwner()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var admin = await Seed.UserAsync(factory, "admin@example.com", TeamRole.Admin, owner.TeamId);
        using var member = await Seed.UserAsync(factory, "member@example.com", TeamRole.Member, owner.TeamId);
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);
        var path = $"/v1/teams/{owner.TeamId}/members";

        using var viewerRemovesMember = await viewer.Client.DeleteAsync($"{path}/{member.User.Id}", Cancel);
        await ProblemAsync(viewerRemovesMember, HttpStatusCode.Forbidden);
        using var adminRemovesOwner = await admin.Client.DeleteAsync($"{path}/{owner.User.Id}", Cancel);
        await ProblemAsync(adminRemovesOwner, HttpStatusCode.Forbidden);
        using var lastOwnerLeaves = await owner.Client.DeleteAsync($"{path}/{owner.User.Id}", Cancel);
        await ProblemAsync(lastOwnerLeaves, HttpStatusCode.Conflict);
        using var unknown = await admin.Client.DeleteAsync($"{path}/{Guid.NewGuid()}", Cancel);
        await ProblemAsync(unknown, HttpStatusCode.NotFound);

        using var viewerLeaves = await viewer.Client.DeleteAsync($"{path}/{viewer.User.Id}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, viewerLeaves.StatusCode);
        using var adminRemovesMember = await admin.Client.DeleteAsync($"{path}/{member.User.Id}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, adminRemovesMember.StatusCode);

        // A former member is now an outsider: 404, not 403.
        using var formerMember = await viewer.Client.GetAsync($"/v1/teams/{owner.TeamId}", Cancel);
        await ProblemAsync(formerMember, HttpStatusCode.NotFound);
        var remaining = await DbAsync(factory, db => db.Memberships.Where(m => m.TeamId == owner.TeamId).Select(m => m.UserId).ToListAsync(Cancel));
        Assert.Equal(new[] { owner.User.Id, admin.User.Id }.Order(), remaining.Order());
        Assert.Equal(2, (await AuditedAsync(factory, "member.remove")).Count);
    }

    [Fact]
    public async Task RemoveMember_RevokesTheAuthtokensTheyMadeForTheTeam()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var member = await Seed.UserAsync(factory, "member@example.com");
        await DbAsync(factory, async db =>
        {
            db.Memberships.Add(new Membership { TeamId = owner.TeamId, UserId = member.User.Id, Role = TeamRole.Member, CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync(Cancel);
        });
        using var mine = await member.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/authtokens", new { description = "laptop" }, Cancel);
        using var elsewhere = await member.Client.PostAsJsonAsync($"/v1/teams/{member.TeamId}/authtokens", new { description = "own team" }, Cancel);
        using var owners = await owner.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/authtokens", new { description = "owner's" }, Cancel);
        Assert.All([mine, elsewhere, owners], r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        using var removed = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/members/{member.User.Id}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var tokens = await DbAsync(factory, db => db.Authtokens.Select(a => new { a.Description, a.RevokedAt }).ToListAsync(Cancel));
        Assert.NotNull(tokens.Single(t => t.Description == "laptop").RevokedAt);
        Assert.Null(tokens.Single(t => t.Description == "own team").RevokedAt);
        Assert.Null(tokens.Single(t => t.Description == "owner's").RevokedAt);
    }
}
