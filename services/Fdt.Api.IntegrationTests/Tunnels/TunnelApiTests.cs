using System.Net;
using System.Net.Http.Json;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.Tunnels;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.IntegrationTests.Tunnels;

public sealed class TunnelApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_ShowsTheTeamsLiveTunnelsOnly()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);
        using var other = await Seed.UserAsync(factory, "other@example.com");
        var live = await ControlPlaneApi.AddTunnelAsync(factory, owner.TeamId, "live-app");
        var ended = await ControlPlaneApi.AddTunnelAsync(factory, owner.TeamId, "ended-app");
        await ControlPlaneApi.AddTunnelAsync(factory, other.TeamId, "other-app");
        await IdentityApi.DbAsync(factory, db => db.TunnelSessions.Where(t => t.Id == ended.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.EndedAt, DateTime.UtcNow), Cancel));

        var tunnels = await viewer.Client.GetFromJsonAsync<List<TunnelView>>($"/v1/teams/{owner.TeamId}/tunnels", IdentityApi.Json, Cancel);

        var tunnel = Assert.Single(tunnels!);
        Assert.Equal((live.Id, "live-app", "http://live-app.localhost:8080", "localhost:3000", false), (tunnel.Id, tunnel.Name, tunnel.Url, tunnel.LocalAddress, tunnel.Stopping));
    }

    [Fact]
    public async Task Stop_MarksTheTunnelAndRecordsWhoAsked()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var member = await Seed.UserAsync(factory, "member@example.com", TeamRole.Member, owner.TeamId);
        var tunnel = await ControlPlaneApi.AddTunnelAsync(factory, owner.TeamId, "app");

        using var stop = await member.Client.PostAsync($"/v1/teams/{owner.TeamId}/tunnels/{tunnel.Id}/stop", null, Cancel);

        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        var stored = await IdentityApi.DbAsync(factory, db => db.TunnelSessions.AsNoTracking().SingleAsync(t => t.Id == tunnel.Id, Cancel));
        Assert.NotNull(stored.StopRequestedAt);
        Assert.Equal(member.User.Id, stored.StopRequestedByUserId);
        var listed = await member.Client.GetFromJsonAsync<List<TunnelView>>($"/v1/teams/{owner.TeamId}/tunnels", IdentityApi.Json, Cancel);
        Assert.True(Assert.Single(listed!).Stopping);
        var audit = Assert.Single(await IdentityApi.AuditedAsync(factory, "tunnel.stop"));
        Assert.Equal((member.User.Id, tunnel.Id), (audit.ActorUserId!.Value, audit.TargetId));
    }

    [Fact]
    public async Task Stop_ByViewerOrOfUnknownTunnel_IsRefused()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);
        var tunnel = await ControlPlaneApi.AddTunnelAsync(factory, owner.TeamId, "app");

        using var byViewer = await viewer.Client.PostAsync($"/v1/teams/{owner.TeamId}/tunnels/{tunnel.Id}/stop", null, Cancel);
        using var unknown = await owner.Client.PostAsync($"/v1/teams/{owner.TeamId}/tunnels/tun_unknown/stop", null, Cancel);

        await IdentityApi.ProblemAsync(byViewer, HttpStatusCode.Forbidden);
        await IdentityApi.ProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Null(await IdentityApi.DbAsync(factory, db => db.TunnelSessions.Where(t => t.Id == tunnel.Id).Select(t => t.StopRequestedAt).SingleAsync(Cancel)));
    }
}
