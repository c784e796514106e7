using System.Net;
using System.Net.Http.Json;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.Policies;
using Fdt.Api.ReservedNames;
using Fdt.Data.Model;
using Fdt.Edge.Policy;
using Fdt.Protocol.Control;
using Fdt.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.IntegrationTests.Policies;

public sealed class PolicyApiTests
{
    private static readonly TimeSpan Reaction = TimeSpan.FromSeconds(3);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_SetsReadsAndDeletesTheTeamDefault_AndTheEdgeFollows()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var edge = factory.Services.GetRequiredService<ITunnelPolicySource>();
        var team = owner.TeamId.ToString("D");

        using var empty = await owner.Client.GetAsync($"/v1/teams/{owner.TeamId}/policy", Cancel);
        Assert.Null((await IdentityApi.ReadAsync<PoliciesEndpoints.PolicyView>(empty)).Policy);

        using var put = await owner.Client.PutAsJsonAsync($"/v1/teams/{owner.TeamId}/policy", new { basicAuth = new[] { "ops:hunter2" }, rateLimit = "100/m", cidrDeny = new[] { "192.0.2.0/24" } }, Cancel);
        var set = await IdentityApi.ReadAsync<PoliciesEndpoints.PolicyView>(put);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("100/m", set.Policy!.RateLimit);
        Assert.StartsWith("ops:" + PolicyRules.HashedPasswordPrefix, set.Policy.BasicAuth!.Single(), StringComparison.Ordinal);
        var stored = await IdentityApi.DbAsync(factory, db => db.TrafficPolicies.SingleAsync(Cancel));
        Assert.DoesNotContain("hunter2", stored.Document, StringComparison.Ordinal);

        await Eventually.TrueAsync(() => edge.GetLayers(team, "anything") is [{ Source: PolicyLayer.Team, Request.RateLimit: "100/m" }], "the edge did not load the team policy", Reaction, Cancel);
        Assert.True(TunnelPolicy.TryCompose(edge.GetLayers(team, "anything"), TunnelProtocol.Http, out var composed, out _));
        Assert.True(composed.Authenticates("Basic " + Convert.ToBase64String("ops:hunter2"u8)));
        Assert.Empty(edge.GetLayers(Guid.NewGuid().ToString("D"), "anything"));

        // Reading and writing back keeps the stored hash (the password is not needed again).
        using var get = await owner.Client.GetAsync($"/v1/teams/{owner.TeamId}/policy", Cancel);
        var read = await IdentityApi.ReadAsync<PoliciesEndpoints.PolicyView>(get);
        using var putBack = await owner.Client.PutAsJsonAsync($"/v1/teams/{owner.TeamId}/policy", read.Policy! with { RateLimit = "50/m" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, putBack.StatusCode);
        await Eventually.TrueAsync(() => edge.GetLayers(team, "x") is [{ Request.RateLimit: "50/m" }], "the edge did not load the update", Reaction, Cancel);
        Assert.True(TunnelPolicy.TryCompose(edge.GetLayers(team, "x"), TunnelProtocol.Http, out composed, out _));
        Assert.True(composed.Authenticates("Basic " + Convert.ToBase64String("ops:hunter2"u8)));

        using var delete = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/policy", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await Eventually.TrueAsync(() => edge.GetLayers(team, "x").Count == 0, "the edge kept the deleted policy", Reaction, Cancel);
        using var again = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/policy", Cancel);
        await IdentityApi.ProblemAsync(again, HttpStatusCode.NotFound);
        Assert.Equal(2, (await IdentityApi.AuditedAsync(factory, "policy.update")).Count);
        Assert.Single(await IdentityApi.AuditedAsync(factory, "policy.delete"));
    }

    [Fact]
    public async Task ReservedNamePolicy_AppliesToThatNameOnly_AndGoesWithTheReservation()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var edge = factory.Services.GetRequiredService<ITunnelPolicySource>();
        using var reserve = await owner.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/reserved-names", new { name = "shop" }, Cancel);
        var reservation = await IdentityApi.ReadAsync<ReservedNamesEndpoints.ReservedNameView>(reserve);

        using var put = await owner.Client.PutAsJsonAsync($"/v1/teams/{owner.TeamId}/reserved-names/{reservation.Id}/policy", new { maxConcurrentRequests = 3 }, Cancel);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var team = owner.TeamId.ToString("D");
        await Eventually.TrueAsync(() => edge.GetLayers(team, "shop") is [{ Source: PolicyLayer.Name, Request.MaxConcurrentRequests: 3 }], "the edge did not load the name's policy", Reaction, Cancel);
        Assert.Empty(edge.GetLayers(team, "other"));
        Assert.Empty(edge.GetLayers(Guid.NewGuid().ToString("D"), "shop"));

        using var release = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/reserved-names/{reservation.Id}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, release.StatusCode);
        await Eventually.TrueAsync(() => edge.GetLayers(team, "shop").Count == 0, "the released name kept its policy", Reaction, Cancel);
        Assert.Equal(0, await IdentityApi.DbAsync(factory, db => db.TrafficPolicies.CountAsync(Cancel)));
    }

    [Fact]
    public async Task WebhookSecret_IsStoredEncrypted_NeverReturned_AndKeptWhenWrittenBack()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var edge = factory.Services.GetRequiredService<ITunnelPolicySource>();
        var team = owner.TeamId.ToString("D");

        using var put = await owner.Client.PutAsJsonAsync($"/v1/teams/{owner.TeamId}/policy", new { verifyWebhook = new { provider = "github", secret = "gh-webhook-secret" } }, Cancel);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.DoesNotContain("gh-webhook-secret", await put.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var stored = await IdentityApi.DbAsync(factory, db => db.TrafficPolicies.SingleAsync(Cancel));
        Assert.DoesNotContain("gh-webhook-secret", stored.Document, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => edge.GetLayers(team, "x") is [{ Request.VerifyWebhook.Secret: "gh-webhook-secret" }], "the edge cannot read the secret", Reaction, Cancel);

        using var get = await owner.Client.GetAsync($"/v1/teams/{owner.TeamId}/policy", Cancel);
        var read = await IdentityApi.ReadAsync<PoliciesEndpoints.PolicyView>(get);
        Assert.Equal(PoliciesEndpoints.StoredSecret, read.Policy!.VerifyWebhook!.Secret);
        using var putBack = await owner.Client.PutAsJsonAsync($"/v1/teams/{owner.TeamId}/policy", read.Policy with { MaxConcurrentRequests = 9 }, Cancel);
        Assert.Equal(HttpStatusCode.OK, putBack.StatusCode);
        await Eventually.TrueAsync(() => edge.GetLayers(team, "x") is [{ Request: { MaxConcurrentRequests: 9, VerifyWebhook.Secret: "gh-webhook-secret" } }], "the secret was lost on write-back", Reaction, Cancel);

        // Nothing stored to keep: the secret is required.
        using var other = await Seed.UserAsync(factory, "other@example.com");
        using var missing = await other.Client.PutAsJsonAsync($"/v1/teams/{other.TeamId}/policy", new { verifyWebhook = new { provider = "github" } }, Cancel);
        await IdentityApi.ValidationProblemAsync(missing, "verifyWebhook.secret");
    }

    [Theory]
    [InlineData("""{"cidrAllow":["not-a-network"]}""")]
    [InlineData("""{"rateLimit":"many"}""")]
    [InlineData("""{"requestHeadersAdd":["Transfer-Encoding: chunked"]}""")]
    [InlineData("""{"verifyWebhook":{"provider":"paypal","secret":"s"}}""")]
    [InlineData("""{"circuitBreakerFailures":0}""")]
    public async Task MalformedPolicy_IsAValidationProblem_AndNothingIsStored(string json)
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        using var put = await owner.Client.PutAsync($"/v1/teams/{owner.TeamId}/policy", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Cancel);

        await IdentityApi.ValidationProblemAsync(put, "policy");
        Assert.Equal(0, await IdentityApi.DbAsync(factory, db => db.TrafficPolicies.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(TeamRole.Member)]
    [InlineData(TeamRole.Viewer)]
    public async Task BelowAdmin_MayReadButNotChange(TeamRole role)
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var user = await Seed.UserAsync(factory, "user@example.com", role, owner.TeamId);
        using var set = await owner.Client.PutAsJsonAsync($"/v1/teams/{owner.TeamId}/policy", new { rateLimit = "5/s" }, Cancel);

        using var read = await user.Client.GetAsync($"/v1/teams/{owner.TeamId}/policy", Cancel);
        using var write = await user.Client.PutAsJsonAsync($"/v1/teams/{owner.TeamId}/policy", new { rateLimit = "500/s" }, Cancel);
        using var delete = await user.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/policy", Cancel);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await IdentityApi.ProblemAsync(write, HttpStatusCode.Forbidden);
        await IdentityApi.ProblemAsync(delete, HttpStatusCode.Forbidden);
        var stored = await IdentityApi.DbAsync(factory, db => db.TrafficPolicies.SingleAsync(Cancel));
        Assert.Equal("5/s", TunnelPolicyRequest.FromJson(stored.Document).RateLimit);
    }

    [Fact]
    public async Task AnotherTeamsPolicies_CannotBeReadChangedOrDeleted()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var victim = await Seed.UserAsync(factory, "victim@example.com");
        using var attacker = await Seed.UserAsync(factory, "attacker@example.com");
        using var reserve = await victim.Client.PostAsJsonAsync($"/v1/teams/{victim.TeamId}/reserved-names", new { name = "victim-name" }, Cancel);
        var reservation = await IdentityApi.ReadAsync<ReservedNamesEndpoints.ReservedNameView>(reserve);
        using var team = await victim.Client.PutAsJsonAsync($"/v1/teams/{victim.TeamId}/policy", new { cidrDeny = new[] { "192.0.2.0/24" } }, Cancel);
        using var name = await victim.Client.PutAsJsonAsync($"/v1/teams/{victim.TeamId}/reserved-names/{reservation.Id}/policy", new { rateLimit = "1/s" }, Cancel);
        var before = await IdentityApi.DbAsync(factory, db => db.TrafficPolicies.OrderBy(p => p.Key).Select(p => p.Document).ToListAsync(Cancel));

        string[] paths = [$"/v1/teams/{victim.TeamId}/policy", $"/v1/teams/{victim.TeamId}/reserved-names/{reservation.Id}/policy", $"/v1/teams/{attacker.TeamId}/reserved-names/{reservation.Id}/policy"];
        foreach (var path in paths)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
            {
                using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Put ? JsonContent.Create(new { cidrAllow = new[] { "0.0.0.0/0" } }) : null };
                using var response = await attacker.Client.SendAsync(request, Cancel);
                await IdentityApi.ProblemAsync(response, HttpStatusCode.NotFound);
            }
        }

        var after = await IdentityApi.DbAsync(factory, db => db.TrafficPolicies.OrderBy(p => p.Key).Select(p => p.Document).ToListAsync(Cancel));
        Assert.Equal(before, after);
        Assert.Equal(2, after.Count);
    }
}
