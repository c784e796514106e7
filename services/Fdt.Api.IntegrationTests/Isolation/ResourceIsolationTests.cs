using System.Net;
using System.Net.Http.Json;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.ReservedNames;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.IntegrationTests.Isolation;

/// <summary>
/// The tenant boundary for team resources (authtokens, reserved names, tunnels): a user of one
/// team neither sees nor changes another team's, whether they name the other team or put the
/// other team's resource ids under their own team.
/// </summary>
public sealed class ResourceIsolationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, bool> Requests => new()
    {
        // method, path template ({team} = the team in the path, {token}/{name}/{tunnel} = victim's resources), body
        { "GET", "/v1/teams/{team}/authtokens", false },
        { "POST", "/v1/teams/{team}/authtokens", true },
        { "DELETE", "/v1/teams/{team}/authtokens/{token}", false },
        { "GET", "/v1/teams/{team}/reserved-names", false },
        { "POST", "/v1/teams/{team}/reserved-names", true },
        { "DELETE", "/v1/teams/{team}/reserved-names/{name}", false },
        { "GET", "/v1/teams/{team}/tunnels", false },
        { "POST", "/v1/teams/{team}/tunnels/{tunnel}/stop", false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task OtherTeamsPath_IsNotFoundAndChangesNothing(string method, string template, bool body)
    {
        await using var factory = IdentityApi.CreateFactory();
        var (victim, attacker, resources) = await ArrangeAsync(factory);

        using var response = await SendAsync(attacker.Client, method, Expand(template, victim.TeamId, resources), body);

        await IdentityApi.ProblemAsync(response, HttpStatusCode.NotFound);
        await AssertUntouchedAsync(factory, victim.TeamId, resources);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task OtherTeamsResourceUnderOwnTeam_IsNotFoundOrEmpty(string method, string template, bool body)
    {
        await using var factory = IdentityApi.CreateFactory();
        var (victim, attacker, resources) = await ArrangeAsync(factory);

        using var response = await SendAsync(attacker.Client, method, Expand(template, attacker.TeamId, resources), body);

        var namesVictimsResource = template.Contains("{token}", StringComparison.Ordinal) || template.Contains("{name}", StringComparison.Ordinal) || template.Contains("{tunnel}", StringComparison.Ordinal);
        if (namesVictimsResource)
        {
            await IdentityApi.ProblemAsync(response, HttpStatusCode.NotFound);
        }
        else
        {
            var text = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.IsSuccessStatusCode, text);
            Assert.DoesNotContain(resources.TokenId.ToString("D"), text, StringComparison.Ordinal);
            Assert.DoesNotContain(resources.TunnelId, text, StringComparison.Ordinal);
            Assert.DoesNotContain("victim-name", text, StringComparison.Ordinal);
        }

        await AssertUntouchedAsync(factory, victim.TeamId, resources);
    }

    private static async Task<(SeededUser Victim, SeededUser Attacker, Resources Resources)> ArrangeAsync(ApiFactory factory)
    {
        var victim = await Seed.UserAsync(factory, "victim@example.com");
        var attacker = await Seed.UserAsync(factory, "attacker@example.com");
        var token = await ControlPlaneApi.CreateAuthtokenAsync(victim);
        using var reserve = await victim.Client.PostAsJsonAsync($"/v1/teams/{victim.TeamId}/reserved-names", new { name = "victim-name" }, Cancel);
        var name = await IdentityApi.ReadAsync<ReservedNamesEndpoints.ReservedNameView>(reserve);
        var tunnel = await ControlPlaneApi.AddTunnelAsync(factory, victim.TeamId, "victim-app", token.Id);
        return (victim, attacker, new Resources(token.Id, name.Id, tunnel.Id));
    }

    private static string Expand(string template, Guid team, Resources resources) => template
        .Replace("{team}", team.ToString("D"), StringComparison.Ordinal)
        .Replace("{token}", resources.TokenId.ToString("D"), StringComparison.Ordinal)
        .Replace("{name}", resources.NameId.ToString("D"), StringComparison.Ordinal)
        .Replace("{tunnel}", resources.TunnelId, StringComparison.Ordinal);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, bool body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body)
        {
            request.Content = JsonContent.Create(new { description = "stolen", name = "stolen-name" });
        }

        return client.SendAsync(request, Cancel);
    }

    private static async Task AssertUntouchedAsync(ApiFactory factory, Guid victimTeam, Resources resources)
    {
        var state = await IdentityApi.DbAsync(factory, async db => new
        {
            Revoked = await db.Authtokens.Where(a => a.Id == resources.TokenId).Select(a => a.RevokedAt).SingleAsync(Cancel),
            Names = await db.ReservedNames.CountAsync(r => r.TeamId == victimTeam, Cancel),
            Stop = await db.TunnelSessions.Where(t => t.Id == resources.TunnelId).Select(t => t.StopRequestedAt).SingleAsync(Cancel),
            Tokens = await db.Authtokens.CountAsync(a => a.TeamId == victimTeam, Cancel),
        });
        Assert.Equal((null, 1, null, 1), (state.Revoked, state.Names, state.Stop, state.Tokens));
    }

    private sealed record Resources(Guid TokenId, Guid NameId, string TunnelId);
}
