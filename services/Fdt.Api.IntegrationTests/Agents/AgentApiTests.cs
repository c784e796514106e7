using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Fdt.Api.Agents;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.Security;
using Fdt.Api.Tunnels;
using Fdt.Edge.Auth;
using Fdt.Protocol;
using Fdt.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Fdt.Api.IntegrationTests.Agents;

public sealed class AgentApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exchange_IssuesAnAgentTokenTheEdgeAccepts()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:MaxTunnelsPerAgent", "3"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var authtoken = await ControlPlaneApi.CreateAuthtokenAsync(owner);

        var response = await ControlPlaneApi.ExchangeOkAsync(factory, authtoken.Token);

        Assert.Equal(owner.TeamId, response.TeamId);
        Assert.Equal("owner's team", response.TeamName);
        Assert.InRange(response.ExpiresAt, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(16));
        var jwt = new JsonWebToken(response.AgentToken);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(FdtClaims.AgentAudience, Assert.Single(jwt.Audiences));

        var edge = factory.Services.GetRequiredService<IAgentAuthenticator>();
        var result = await edge.AuthenticateAsync(response.AgentToken, Cancel);
        Assert.Null(result.Error);
        Assert.Equal(owner.TeamId.ToString("D"), result.Identity!.OwnerId);
        Assert.Equal(authtoken.Id.ToString("D"), result.Identity.CredentialId);
        Assert.Equal(3, result.Identity.MaxTunnels);

        var lastUsed = await IdentityApi.DbAsync(factory, db => db.Authtokens.Where(a => a.Id == authtoken.Id).Select(a => a.LastUsedAt).SingleAsync(Cancel));
        Assert.NotNull(lastUsed);
    }

    [Fact]
    public async Task Edge_RefusesTheAuthtokenItselfAndForeignOrTamperedTokens()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var authtoken = await ControlPlaneApi.CreateAuthtokenAsync(owner);
        var agentToken = (await ControlPlaneApi.ExchangeOkAsync(factory, authtoken.Token)).AgentToken;
        var edge = factory.Services.GetRequiredService<IAgentAuthenticator>();

        // Signed by another installation's key.
        using var otherKeys = ApiKeys.CreateEphemeral();
        var foreign = new AgentTokenIssuer(otherKeys, Microsoft.Extensions.Options.Options.Create(new ApiOptions()), TimeProvider.System)
            .Issue(new AgentGrant(owner.TeamId, "x", authtoken.Id, [], 16)).Token;
        var signatureAt = agentToken.LastIndexOf('.') + 1;
        var tampered = agentToken[..signatureAt] + (agentToken[signatureAt] == 'A' ? 'B' : 'A') + agentToken[(signatureAt + 1)..];

        foreach (var credential in new[] { authtoken.Token, foreign, tampered, owner.AccessToken, string.Empty, new string('a', 10_000) })
        {
            var result = await edge.AuthenticateAsync(credential, Cancel);
            Assert.Equal(ErrorCodes.AuthenticationFailed, result.Error?.Code);
        }
    }

    [Fact]
    public async Task Edge_RefusesAnUnexpiredAgentTokenOnceItsAuthtokenIsRevoked()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var authtoken = await ControlPlaneApi.CreateAuthtokenAsync(owner);
        var agentToken = (await ControlPlaneApi.ExchangeOkAsync(factory, authtoken.Token)).AgentToken;
        var edge = factory.Services.GetRequiredService<IAgentAuthenticator>();
        Assert.Null((await edge.AuthenticateAsync(agentToken, Cancel)).Error);

        using var revoke = await owner.Client.DeleteAsync($"/v1/teams/{owner.TeamId}/authtokens/{authtoken.Id}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        await Eventually.TrueAsync(
            async () => (await edge.AuthenticateAsync(agentToken, Cancel)).Error?.Code == ErrorCodes.AuthenticationFailed,
            "the edge still accepts the agent token of a revoked authtoken",
            TimeSpan.FromSeconds(10),
            Cancel);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer fdt_notarealtoken0000000000000000000")]
    [InlineData("Bearer something-else")]
    [InlineData("Basic Zm9vOmJhcg==")]
    public async Task Exchange_WithoutAValidAuthtoken_IsUnauthorized(string? authorization)
    {
        await using var factory = IdentityApi.CreateFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/agent/token");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request, Cancel);

        await IdentityApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokensAreNotInterchangeable()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var authtoken = await ControlPlaneApi.CreateAuthtokenAsync(owner);
        var agentToken = (await ControlPlaneApi.ExchangeOkAsync(factory, authtoken.Token)).AgentToken;

        // A person's access token is not an authtoken, and neither kind of agent credential opens the people's API.
        using (var byAccessToken = await ControlPlaneApi.ExchangeAsync(factory, owner.AccessToken))
        {
            await IdentityApi.ProblemAsync(byAccessToken, HttpStatusCode.Unauthorized);
        }

        foreach (var credential in new[] { authtoken.Token, agentToken })
        {
            using var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
            using var response = await client.GetAsync($"/v1/teams/{owner.TeamId}/authtokens", Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Logout_RevokesThePresentedAuthtoken()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var authtoken = await ControlPlaneApi.CreateAuthtokenAsync(owner);
        var other = await ControlPlaneApi.CreateAuthtokenAsync(owner);
        using var agent = ControlPlaneApi.AgentClient(factory, authtoken.Token);

        using var logout = await agent.PostAsync("/v1/agent/logout", null, Cancel);
        using var again = await agent.PostAsync("/v1/agent/logout", null, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await IdentityApi.ProblemAsync(again, HttpStatusCode.Unauthorized);
        using (var exchange = await ControlPlaneApi.ExchangeAsync(factory, authtoken.Token))
        {
            await IdentityApi.ProblemAsync(exchange, HttpStatusCode.Unauthorized);
        }

        await ControlPlaneApi.ExchangeOkAsync(factory, other.Token);
        var audit = Assert.Single(await IdentityApi.AuditedAsync(factory, "authtoken.revoke"));
        Assert.Equal(("agent", authtoken.Id.ToString("D")), (audit.ActorKind, audit.TargetId));
    }

    [Fact]
    public async Task Tunnels_AreListedAndStoppedWithinTheAuthtokensTeamOnly()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");
        using var bob = await Seed.UserAsync(factory, "bob@example.com");
        var aliceToken = await ControlPlaneApi.CreateAuthtokenAsync(alice);
        var aliceTunnel = await ControlPlaneApi.AddTunnelAsync(factory, alice.TeamId, "alice-app", aliceToken.Id);
        var bobTunnel = await ControlPlaneApi.AddTunnelAsync(factory, bob.TeamId, "bob-app");
        using var agent = ControlPlaneApi.AgentClient(factory, aliceToken.Token);

        var listed = await agent.GetFromJsonAsync<List<TunnelView>>("/v1/agent/tunnels", IdentityApi.Json, Cancel);
        using var stopForeign = await agent.PostAsync($"/v1/agent/tunnels/{bobTunnel.Id}/stop", null, Cancel);
        using var stopOwn = await agent.PostAsync($"/v1/agent/tunnels/{aliceTunnel.Id}/stop", null, Cancel);

        Assert.Equal(["alice-app"], listed!.Select(t => t.Name));
        await IdentityApi.ProblemAsync(stopForeign, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Accepted, stopOwn.StatusCode);
        var sessions = await IdentityApi.DbAsync(factory, db => db.TunnelSessions.AsNoTracking().ToDictionaryAsync(t => t.Name, Cancel));
        Assert.NotNull(sessions["alice-app"].StopRequestedAt);
        Assert.Null(sessions["bob-app"].StopRequestedAt);
        var audit = Assert.Single(await IdentityApi.AuditedAsync(factory, "tunnel.stop"));
        Assert.Equal(("agent", alice.TeamId, aliceTunnel.Id), (audit.ActorKind, audit.TeamId!.Value, audit.TargetId));
        Assert.Contains(aliceToken.Id.ToString("D"), audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_CarriesTheTeamsReservedNames()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var authtoken = await ControlPlaneApi.CreateAuthtokenAsync(owner);
        foreach (var name in new[] { "zeta", "acme" })
        {
            using var reserve = await owner.Client.PostAsJsonAsync($"/v1/teams/{owner.TeamId}/reserved-names", new { name }, Cancel);
            Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);
        }

        var response = await ControlPlaneApi.ExchangeOkAsync(factory, authtoken.Token);

        Assert.Equal(["acme", "zeta"], response.ReservedNames);
    }
}
