using System.Net;
using System.Text;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Teams;

/// <summary>
/// For every team-scoped endpoint of teams, members and invitations: a member of another team gets
/// 404 (read and write), a viewer gets 403 where an admin is needed, an operator is allowed, and
/// nobody refused changed anything. Adding an endpoint means adding a row to <see cref="Routes"/>;
/// <see cref="Routes_CoverEveryTeamScopedEndpoint"/> fails until it is there.
/// </summary>
public sealed class TenantIsolationTests(TenantWorld world) : IClassFixture<TenantWorld>
{
    /// <summary>(method, path template, required role, JSON body). Placeholders: see <see cref="TenantWorld.ResolveAsync"/>.</summary>
    public static TheoryData<string, string, TeamRole, string?> Routes => new()
    {
        { "GET", "/v1/teams/{teamId}", TeamRole.Viewer, null },
        { "PATCH", "/v1/teams/{teamId}", TeamRole.Admin, """{"name":"Renamed"}""" },
        { "GET", "/v1/teams/{teamId}/members", TeamRole.Viewer, null },
        { "PATCH", "/v1/teams/{teamId}/members/{memberId}", TeamRole.Admin, """{"role":"viewer"}""" },
        { "DELETE", "/v1/teams/{teamId}/members/{memberId}", TeamRole.Admin, null },
        { "POST", "/v1/teams/{teamId}/invitations", TeamRole.Admin, """{"role":"viewer"}""" },
        { "GET", "/v1/teams/{teamId}/invitations", TeamRole.Admin, null },
        { "DELETE", "/v1/teams/{teamId}/invitations/{invitationId}", TeamRole.Admin, null },
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Endpoint_MemberOfAnotherTeam_Returns404AndChangesNothing(string method, string path, TeamRole required, string? body)
    {
        _ = required;
        var before = await EventsByAsync(world.Outsider.User.Id);

        using var response = await SendAsync(world.Outsider.Client, method, await world.ResolveAsync(path), body);

        await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(before, await EventsByAsync(world.Outsider.User.Id));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Endpoint_Viewer_Returns403UnlessViewerSuffices(string method, string path, TeamRole required, string? body)
    {
        var before = await EventsByAsync(world.Viewer.User.Id);

        using var response = await SendAsync(world.Viewer.Client, method, await world.ResolveAsync(path), body);

        if (required > TeamRole.Viewer)
        {
            await ProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal(before, await EventsByAsync(world.Viewer.User.Id));
        }
        else
        {
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Endpoint_Operator_IsAllowed(string method, string path, TeamRole required, string? body)
    {
        _ = required;
        using var response = await SendAsync(world.Operator.Client, method, await world.ResolveAsync(path), body);

        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Endpoint_Anonymous_Returns401(string method, string path, TeamRole required, string? body)
    {
        _ = required;
        using var client = world.Factory.CreateClient();

        using var response = await SendAsync(client, method, await world.ResolveAsync(path), body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ListTeams_OnlyTheCallersTeams()
    {
        using var response = await world.Outsider.Client.GetAsync("/v1/teams", Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(world.Outsider.TeamId.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(world.TeamB.ToString(), text, StringComparison.Ordinal);
        using var me = await world.Outsider.Client.GetAsync("/v1/auth/me", Cancel);
        Assert.DoesNotContain(world.TeamB.ToString(), await me.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public void Routes_CoverEveryTeamScopedEndpoint()
    {
        static string Shape(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern.TrimEnd('/'), "{[^}]*}", "{}");
        var covered = Routes.Select(row => $"{row.Data.Item1} {Shape(row.Data.Item2)}").ToHashSet();
        var endpoints = world.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ITagsMetadata>()?.Tags.Any(t => t is "Teams" or "Invitations") == true)
            .Where(e => e.RoutePattern.RawText?.Contains("{teamId", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Shape(e.RoutePattern.RawText!)}"))
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.Contains(endpoint, covered));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request, Cancel);
    }

    private Task<int> EventsByAsync(Guid userId)
        => DbAsync(world.Factory, db => db.AuditEvents.CountAsync(e => e.ActorUserId == userId, Cancel));
}
