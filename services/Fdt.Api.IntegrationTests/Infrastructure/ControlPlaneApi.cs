using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Fdt.Api.Agents;
using Fdt.Api.Authtokens;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fdt.Api.IntegrationTests.Infrastructure;

/// <summary>Helpers for tests of authtokens, agents, device login, reserved names and tunnels.</summary>
internal static class ControlPlaneApi
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Creates an authtoken through the API as <paramref name="user"/> and returns it with its secret.</summary>
    public static async Task<AuthtokensEndpoints.Created> CreateAuthtokenAsync(SeededUser user, string description = "laptop")
    {
        using var response = await user.Client.PostAsJsonAsync($"/v1/teams/{user.TeamId}/authtokens", new { description }, IdentityApi.Json, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await IdentityApi.ReadAsync<AuthtokensEndpoints.Created>(response);
    }

    /// <summary>A client that presents <paramref name="authtoken"/> as agents do.</summary>
    public static HttpClient AgentClient(WebApplicationFactory<Program> factory, string authtoken)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", authtoken);
        return client;
    }

    public static async Task<HttpResponseMessage> ExchangeAsync(WebApplicationFactory<Program> factory, string authtoken)
    {
        using var client = AgentClient(factory, authtoken);
        return await client.PostAsync("/v1/agent/token", null, Cancel);
    }

    public static async Task<AgentTokenEndpoints.AgentTokenResponse> ExchangeOkAsync(WebApplicationFactory<Program> factory, string authtoken)
    {
        using var response = await ExchangeAsync(factory, authtoken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await IdentityApi.ReadAsync<AgentTokenEndpoints.AgentTokenResponse>(response);
    }

    /// <summary>Records a live tunnel of <paramref name="teamId"/> as an edge would.</summary>
    public static Task<TunnelSession> AddTunnelAsync(WebApplicationFactory<Program> factory, Guid teamId, string name, Guid? authtokenId = null)
        => IdentityApi.DbAsync(factory, async db =>
        {
            const string edge = "test-edge";
            if (await db.EdgeNodes.FindAsync([edge], Cancel) is null)
            {
                db.EdgeNodes.Add(new EdgeNode { Id = edge, Version = "0.0.0", StartedAt = DateTime.UtcNow, LastHeartbeatAt = DateTime.UtcNow });
            }

            var session = new TunnelSession
            {
                Id = $"tun_{Guid.NewGuid():N}",
                TeamId = teamId,
                AuthtokenId = authtokenId,
                EdgeNodeId = edge,
                AgentSessionId = "as_1",
                Name = name,
                Protocol = "http",
                Url = $"http://{name}.localhost:8080",
                LocalAddress = "localhost:3000",
                StartedAt = DateTime.UtcNow,
            };
            db.TunnelSessions.Add(session);
            await db.SaveChangesAsync(Cancel);
            return session;
        });
}
