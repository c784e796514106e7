using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Api.Auth;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.Invitations;
using Fdt.Api.Security;
using Fdt.Api.Teams;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Invitations;

public sealed class InvitationTests
{
    private const string Password = "a long enough password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_AsAdmin_ShowsTokenOnceAndListsWithoutIt()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        var invitation = await InviteAsync(owner, "member", "Guest@Example.com");

        Assert.StartsWith(InvitationsEndpoints.TokenPrefix, invitation.Token, StringComparison.Ordinal);
        Assert.Equal($"http://localhost/join/{invitation.Token}", invitation.Url);
        Assert.Equal("member", invitation.Role);
        Assert.Equal("guest@example.com", invitation.Email);
        Assert.InRange(invitation.ExpiresAt - DateTime.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));

        using var list = await owner.Client.GetAsync($"/v1/teams/{owner.TeamId}/invitations", Cancel);
        var text = await list.Content.ReadAsStringAsync(Cancel);
        Assert.DoesNotContain(invitation.Token, text, StringComparison.Ordinal);
        var listed = Assert.Single(JsonSerializer.Deserialize<List<InvitationSummary>>(text, Json)!);
        Assert.Equal(invitation.Id, listed.Id);
        Assert.Equal("pending", listed.Status);
        Assert.Equal(owner.User.Id, listed.CreatedByUserId);

        var stored = await DbAsync(factory, db => db.Invitations.SingleAsync(Cancel));
        Assert.Equal(Secrets.Hash(invitation.Token), stored.TokenHash);
        var audit = Assert.Single(await AuditedAsync(factory, "invitation.create"));
        Assert.Equal(owner.TeamId, audit.TeamId);
        Assert.DoesNotContain(invitation.Token, audit.Details ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithPublicUrl_LinksThere()
    {
        await using var factory = CreateFactory(("Api:PublicUrl", "https://fdt.example.com/"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        var invitation = await InviteAsync(owner, "viewer");

        Assert.Equal($"https://fdt.example.com/join/{invitation.Token}", invitation.Url);
    }

    [Fact]
    public async Task Create_RoleAboveOwn_Returns403()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var admin = await Seed.UserAsync(factory, "admin@example.com", TeamRole.Admin, owner.TeamId);

        using var owners = await PostAsync(admin.Client, $"/v1/teams/{owner.TeamId}/invitations", new { role = "owner" });
        using var admins = await PostAsync(admin.Client, $"/v1/teams/{owner.TeamId}/invitations", new { role = "admin" });
        using var byOwner = await PostAsync(owner.Client, $"/v1/teams/{owner.TeamId}/invitations", new { role = "owner" });

        await ProblemAsync(owners, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, admins.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byOwner.StatusCode);
    }

    [Fact]
    public async Task Create_InvalidInput_Returns400()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        using var response = await PostAsync(owner.Client, $"/v1/teams/{owner.TeamId}/invitations", new { role = "superuser", email = "no-at-sign" });

        await ValidationProblemAsync(response, "role", "email");
        Assert.Equal(0, await DbAsync(factory, db => db.Invitations.CountAsync(Cancel)));
    }

    [Fact]
    public async Task Join_NewUser_CreatesAccountAndMembershipAndUsesUpTheLink()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var invitation = await InviteAsync(owner, "member");
        using var anonymous = factory.CreateClient();

        var preview = (await anonymous.GetFromJsonAsync<InvitationPreview>($"/v1/join/{invitation.Token}", Json, Cancel))!;
        Assert.Equal("owner's team", preview.TeamName);
        Assert.Equal("member", preview.Role);
        Assert.Null(preview.Email);

        using var joined = await PostAsync(anonymous, $"/v1/join/{invitation.Token}", new { email = "New@Example.com", displayName = "Newcomer", password = Password });

        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        var session = await ReadAsync<SessionResponse>(joined);
        Assert.Equal("new@example.com", session.User.Email);
        using var newcomer = Client(factory, session.AccessToken);
        var me = (await newcomer.GetFromJsonAsync<MeResponse>("/v1/auth/me", Json, Cancel))!;
        var team = Assert.Single(me.Teams);
        Assert.Equal(owner.TeamId, team.Id);
        Assert.Equal("member", team.Role);

        var listed = Assert.Single((await owner.Client.GetFromJsonAsync<List<InvitationSummary>>($"/v1/teams/{owner.TeamId}/invitations", Json, Cancel))!);
        Assert.Equal("accepted", listed.Status);
        Assert.Equal(session.User.Id, listed.AcceptedByUserId);

        using var previewAgain = await anonymous.GetAsync($"/v1/join/{invitation.Token}", Cancel);
        await ProblemAsync(previewAgain, HttpStatusCode.NotFound);
        using var joinAgain = await PostAsync(anonymous, $"/v1/join/{invitation.Token}", new { email = "other@example.com", displayName = "Other", password = Password });
        await ProblemAsync(joinAgain, HttpStatusCode.NotFound);
        Assert.False(await DbAsync(factory, db => db.Users.AnyAsync(u => u.Email == "other@example.com", Cancel)));

        var audit = Assert.Single(await AuditedAsync(factory, "invitation.accept"));
        Assert.Equal(owner.TeamId, audit.TeamId);
        Assert.Equal(session.User.Id, audit.ActorUserId);
    }

    [Fact]
    public async Task Join_SignedInUser_AddsMembership()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com");
        var invitation = await InviteAsync(owner, "admin");

        using var response = await bob.Client.PostAsync($"/v1/join/{invitation.Token}", content: null, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var joined = await ReadAsync<JoinedTeam>(response);
        Assert.Equal(owner.TeamId, joined.TeamId);
        Assert.Equal("admin", joined.Role);
        var members = (await owner.Client.GetFromJsonAsync<List<MemberSummary>>($"/v1/teams/{owner.TeamId}/members", Json, Cancel))!;
        Assert.Equal("admin", members.Single(m => m.UserId == bob.User.Id).Role);
        Assert.Single(await AuditedAsync(factory, "invitation.accept"));
    }

    [Fact]
    public async Task Join_AlreadyMember_Returns409AndLeavesTheLinkUsable()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);
        var invitation = await InviteAsync(owner, "admin");

        using var response = await viewer.Client.PostAsync($"/v1/join/{invitation.Token}", content: null, Cancel);

        await ProblemAsync(response, HttpStatusCode.Conflict);
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/v1/join/{invitation.Token}", Cancel)).StatusCode);
        var role = await DbAsync(factory, db => db.Memberships.Where(m => m.UserId == viewer.User.Id).Select(m => m.Role).SingleAsync(Cancel));
        Assert.Equal(TeamRole.Viewer, role);
    }

    [Fact]
    public async Task Join_EmailBoundInvitation_OnlyThatAddressMayAccept()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com");
        var invitation = await InviteAsync(owner, "member", "carol@example.com");
        using var anonymous = factory.CreateClient();

        var preview = (await anonymous.GetFromJsonAsync<InvitationPreview>($"/v1/join/{invitation.Token}", Json, Cancel))!;
        Assert.Equal("carol@example.com", preview.Email);
        using var wrongNewAccount = await PostAsync(anonymous, $"/v1/join/{invitation.Token}", new { email = "mallory@example.com", displayName = "Mallory", password = Password });
        await ProblemAsync(wrongNewAccount, HttpStatusCode.Forbidden);
        using var wrongSignedIn = await bob.Client.PostAsync($"/v1/join/{invitation.Token}", content: null, Cancel);
        await ProblemAsync(wrongSignedIn, HttpStatusCode.Forbidden);

        using var carol = await PostAsync(anonymous, $"/v1/join/{invitation.Token}", new { email = "CAROL@example.com", displayName = "Carol", password = Password });
        Assert.Equal(HttpStatusCode.Created, carol.StatusCode);
        Assert.False(await DbAsync(factory, db => db.Users.AnyAsync(u => u.Email == "mallory@example.com", Cancel)));
    }

    [Fact]
    public async Task Join_ExpiredInvitation_Returns404()
    {
        await using var factory = CreateFactory();
        var (clocked, clock) = WithClock(factory);
        var teamId = await AddTeamAsync(clocked, "Team");
        await AddUserAsync(clocked, "owner@example.com", teamId, TeamRole.Owner);
        var session = await LoginAsync(clocked, "owner@example.com");
        using var client = Client(clocked, session.AccessToken);
        using var created = await PostAsync(client, $"/v1/teams/{teamId}/invitations", new { role = "member" });
        var invitation = await ReadAsync<CreatedInvitation>(created);
        using var anonymous = clocked.CreateClient();

        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/v1/join/{invitation.Token}", Cancel)).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(2));

        using var preview = await anonymous.GetAsync($"/v1/join/{invitation.Token}", Cancel);
        using var join = await PostAsync(anonymous, $"/v1/join/{invitation.Token}", new { email = "late@example.com", displayName = "Late", password = Password });
        await ProblemAsync(preview, HttpStatusCode.NotFound);
        await ProblemAsync(join, HttpStatusCode.NotFound);
        // The owner's access token was issued before the clock moved, so the (real-time) JWT check still accepts it.
        var listed = (await client.GetFromJsonAsync<List<InvitationSummary>>($"/v1/teams/{teamId}/invitations", Json, Cancel))!;
        Assert.Equal("expired", Assert.Single(listed).Status);
    }

    [Fact]
    public async Task Revoke_PendingInvitation_LinkStopsWorking()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var invitation = await InviteAsync(owner, "member");

        using var revoke = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/invitations/{invitation.Id}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var anonymous = factory.CreateClient();
        using var preview = await anonymous.GetAsync($"/v1/join/{invitation.Token}", Cancel);
        using var join = await PostAsync(anonymous, $"/v1/join/{invitation.Token}", new { email = "late@example.com", displayName = "Late", password = Password });
        await ProblemAsync(preview, HttpStatusCode.NotFound);
        await ProblemAsync(join, HttpStatusCode.NotFound);
        var listed = Assert.Single((await owner.Client.GetFromJsonAsync<List<InvitationSummary>>($"/v1/teams/{owner.TeamId}/invitations", Json, Cancel))!);
        Assert.Equal("revoked", listed.Status);
        Assert.Equal(owner.TeamId, Assert.Single(await AuditedAsync(factory, "invitation.revoke")).TeamId);
    }

    [Fact]
    public async Task Revoke_AcceptedOrUnknownInvitation_Refused()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com");
        var invitation = await InviteAsync(owner, "member");
        Assert.Equal(HttpStatusCode.OK, (await bob.Client.PostAsync($"/v1/join/{invitation.Token}", content: null, Cancel)).StatusCode);

        using var accepted = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/invitations/{invitation.Id}", Cancel);
        using var unknown = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/invitations/{Guid.NewGuid()}", Cancel);

        await ProblemAsync(accepted, HttpStatusCode.Conflict);
        await ProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Join_UnknownToken_SameAnswerAsAUsedOne()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com");
        var invitation = await InviteAsync(owner, "member");
        Assert.Equal(HttpStatusCode.OK, (await bob.Client.PostAsync($"/v1/join/{invitation.Token}", content: null, Cancel)).StatusCode);
        using var anonymous = factory.CreateClient();

        using var used = await anonymous.GetAsync($"/v1/join/{invitation.Token}", Cancel);
        using var unknown = await anonymous.GetAsync($"/v1/join/{InvitationsEndpoints.TokenPrefix}doesnotexist", Cancel);

        var first = await ProblemAsync(used, HttpStatusCode.NotFound);
        var second = await ProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Join_ConcurrentAcceptance_ExactlyOneSucceeds()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var anonymous = factory.CreateClient();

        for (var round = 0; round < 3; round++)
        {
            // Two new accounts and two signed-in people race for one link.
            using var bob = await Seed.UserAsync(factory, $"bob{round}@example.com");
            using var carol = await Seed.UserAsync(factory, $"carol{round}@example.com");
            var invitation = await InviteAsync(owner, "member");
            var path = $"/v1/join/{invitation.Token}";
            var responses = await Task.WhenAll(
                PostAsync(anonymous, path, new { email = $"first{round}@example.com", displayName = "First", password = Password }),
                PostAsync(anonymous, path, new { email = $"second{round}@example.com", displayName = "Second", password = Password }),
                bob.Client.PostAsync(path, content: null, Cancel),
                carol.Client.PostAsync(path, content: null, Cancel));

            Assert.Single(responses, r => r.IsSuccessStatusCode);
            Assert.All(responses.Where(r => !r.IsSuccessStatusCode), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
            foreach (var response in responses)
            {
                response.Dispose();
            }

            var accepted = await DbAsync(factory, db => db.Invitations.AsNoTracking().SingleAsync(i => i.Id == invitation.Id, Cancel));
            Assert.NotNull(accepted.AcceptedByUserId);
            Assert.True(await DbAsync(factory, db => db.Memberships.AnyAsync(m => m.TeamId == owner.TeamId && m.UserId == accepted.AcceptedByUserId, Cancel)));
        }

        // Exactly one membership and one new account at most per accepted invitation.
        Assert.Equal(3, await DbAsync(factory, db => db.Memberships.CountAsync(m => m.TeamId == owner.TeamId && m.Role == TeamRole.Member, Cancel)));
        Assert.True(await DbAsync(factory, db => db.Users.CountAsync(u => u.Email.StartsWith("first") || u.Email.StartsWith("second"), Cancel)) <= 3);
        Assert.Equal(3, (await AuditedAsync(factory, "invitation.accept")).Count);
    }

    [Fact]
    public async Task Join_InvalidBearerToken_Returns401InsteadOfCreatingAnAccount()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var invitation = await InviteAsync(owner, "member");
        using var client = Client(factory, "not-a-jwt");

        using var response = await PostAsync(client, $"/v1/join/{invitation.Token}", new { email = "new@example.com", displayName = "New", password = Password });

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.False(await DbAsync(factory, db => db.Users.AnyAsync(u => u.Email == "new@example.com", Cancel)));
    }

    [Fact]
    public async Task Join_NewAccountWithExistingEmail_Returns409()
    {
        await using var factory = CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com");
        var invitation = await InviteAsync(owner, "member");
        using var anonymous = factory.CreateClient();

        using var response = await PostAsync(anonymous, $"/v1/join/{invitation.Token}", new { email = "bob@example.com", displayName = "Bob", password = Password });
        using var invalid = await PostAsync(anonymous, $"/v1/join/{invitation.Token}", new { });

        await ProblemAsync(response, HttpStatusCode.Conflict);
        await ValidationProblemAsync(invalid, "email", "displayName", "password");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/v1/join/{invitation.Token}", Cancel)).StatusCode);
    }

    private static async Task<CreatedInvitation> InviteAsync(SeededUser admin, string role, string? email = null)
    {
        using var response = await PostAsync(admin.Client, $"/v1/teams/{admin.TeamId}/invitations", new { role, email });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        return await ReadAsync<CreatedInvitation>(response);
    }
}
