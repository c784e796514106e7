using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Api.Device;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.IntegrationTests.Device;

public sealed class DeviceLoginTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApprovedDevice_ReceivesAWorkingAuthtokenExactlyOnce()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var device = factory.CreateClient();
        var code = await StartAsync(device, "fdt on laptop (linux)");

        Assert.Equal("authorization_pending", await PollErrorAsync(device, code.DeviceCode));
        using var pending = await owner.Client.GetAsync($"/v1/device/{code.UserCode}", Cancel);
        var described = await IdentityApi.ReadAsync<DeviceEndpoints.PendingDevice>(pending);
        Assert.Equal("fdt on laptop (linux)", described.ClientDescription);

        using var approve = await owner.Client.PostAsJsonAsync("/v1/device/approve", new { userCode = code.UserCode.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal), teamId = owner.TeamId, approve = true }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, approve.StatusCode);

        using var first = await PollAsync(device, code.DeviceCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var token = await IdentityApi.ReadAsync<DeviceEndpoints.TokenResponse>(first);
        Assert.StartsWith("fdt_", token.Authtoken, StringComparison.Ordinal);
        Assert.Equal((owner.TeamId, "owner's team"), (token.TeamId, token.TeamName));
        Assert.Equal("expired_token", await PollErrorAsync(device, code.DeviceCode));

        var exchanged = await ControlPlaneApi.ExchangeOkAsync(factory, token.Authtoken);
        Assert.Equal(owner.TeamId, exchanged.TeamId);
        var stored = await IdentityApi.DbAsync(factory, db => db.Authtokens.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal((owner.User.Id, "fdt login: fdt on laptop (linux)"), (stored.CreatedByUserId!.Value, stored.Description));
        var row = await IdentityApi.DbAsync(factory, db => db.DeviceAuthorizations.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal((DeviceAuthorizationStatus.Completed, (Guid?)stored.Id), (row.Status, row.AuthtokenId));
        Assert.DoesNotContain(token.Authtoken, JsonSerializer.Serialize(row), StringComparison.Ordinal);
        Assert.Single(await IdentityApi.AuditedAsync(factory, "device.approve"));
        Assert.Single(await IdentityApi.AuditedAsync(factory, "authtoken.create"));
    }

    [Fact]
    public async Task ConcurrentPolls_HandOverOneAuthtoken()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var device = factory.CreateClient();
        var code = await StartAsync(device);
        using var approve = await owner.Client.PostAsJsonAsync("/v1/device/approve", new { userCode = code.UserCode, teamId = owner.TeamId, approve = true }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, approve.StatusCode);

        var polls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PollAsync(device, code.DeviceCode)));

        Assert.Single(polls, p => p.StatusCode == HttpStatusCode.OK);
        Assert.Equal(1, await IdentityApi.DbAsync(factory, db => db.Authtokens.CountAsync(Cancel)));
        foreach (var poll in polls)
        {
            poll.Dispose();
        }
    }

    [Fact]
    public async Task DeniedDevice_GetsAccessDenied()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var device = factory.CreateClient();
        var code = await StartAsync(device);

        using var deny = await owner.Client.PostAsJsonAsync("/v1/device/approve", new { userCode = code.UserCode, teamId = owner.TeamId, approve = false }, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, deny.StatusCode);
        Assert.Equal("access_denied", await PollErrorAsync(device, code.DeviceCode));
        Assert.Equal(0, await IdentityApi.DbAsync(factory, db => db.Authtokens.CountAsync(Cancel)));
        Assert.Single(await IdentityApi.AuditedAsync(factory, "device.deny"));
    }

    [Fact]
    public async Task PollingFasterThanTheInterval_SlowsTheDeviceDown()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "5"));
        using var device = factory.CreateClient();
        var code = await StartAsync(device);
        Assert.Equal(5, code.Interval);

        Assert.Equal("authorization_pending", await PollErrorAsync(device, code.DeviceCode));
        using var tooFast = await PollAsync(device, code.DeviceCode);

        var error = await IdentityApi.ReadAsync<DeviceEndpoints.DeviceError>(tooFast);
        Assert.Equal(("slow_down", (int?)10), (error.Error, error.Interval));
    }

    [Fact]
    public async Task ExpiredCode_CannotBeApprovedOrPolled()
    {
        await using var baseFactory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        var (factory, clock) = IdentityApi.WithClock(baseFactory);
        using var owner = await Seed.UserAsync(baseFactory, "owner@example.com");
        using var device = factory.CreateClient();
        var code = await StartAsync(device);

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        using var ownerClient = IdentityApi.Client(factory, owner.AccessToken);
        using var approve = await ownerClient.PostAsJsonAsync("/v1/device/approve", new { userCode = code.UserCode, teamId = owner.TeamId, approve = true }, Cancel);
        await IdentityApi.ProblemAsync(approve, HttpStatusCode.NotFound);
        Assert.Equal("expired_token", await PollErrorAsync(device, code.DeviceCode));
    }

    [Fact]
    public async Task UnknownDeviceCode_IsInvalidGrant()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var device = factory.CreateClient();

        Assert.Equal("invalid_grant", await PollErrorAsync(device, "fdt_dc_unknown"));
        using var empty = await device.PostAsJsonAsync("/v1/device/token", new { }, Cancel);
        Assert.Equal("invalid_grant", (await IdentityApi.ReadAsync<DeviceEndpoints.DeviceError>(empty)).Error);
    }

    [Fact]
    public async Task Approving_NeedsMemberRoleInTheChosenTeam()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);
        using var stranger = await Seed.UserAsync(factory, "stranger@example.com");
        using var device = factory.CreateClient();
        var code = await StartAsync(device);

        using var byViewer = await viewer.Client.PostAsJsonAsync("/v1/device/approve", new { userCode = code.UserCode, teamId = owner.TeamId, approve = true }, Cancel);
        using var byStranger = await stranger.Client.PostAsJsonAsync("/v1/device/approve", new { userCode = code.UserCode, teamId = owner.TeamId, approve = true }, Cancel);
        using var anonymous = await factory.CreateClient().PostAsJsonAsync("/v1/device/approve", new { userCode = code.UserCode, teamId = owner.TeamId, approve = true }, Cancel);

        await IdentityApi.ProblemAsync(byViewer, HttpStatusCode.Forbidden);
        await IdentityApi.ProblemAsync(byStranger, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("authorization_pending", await PollErrorAsync(device, code.DeviceCode));
    }

    [Fact]
    public async Task Code_HasTheDocumentedShape()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:PublicUrl", "https://fdt.example.com/"));
        using var device = factory.CreateClient();

        var code = await StartAsync(device, "x\u0007y" + new string('z', 200));

        Assert.Matches("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$", code.UserCode);
        Assert.StartsWith("fdt_dc_", code.DeviceCode, StringComparison.Ordinal);
        Assert.Equal("https://fdt.example.com/activate", code.VerificationUri);
        Assert.Equal($"https://fdt.example.com/activate?code={code.UserCode}", code.VerificationUriComplete);
        Assert.Equal(600, code.ExpiresIn);
        var stored = await IdentityApi.DbAsync(factory, db => db.DeviceAuthorizations.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal(120, stored.ClientDescription.Length);
        Assert.DoesNotContain('\u0007', stored.ClientDescription);
        Assert.NotEqual(code.DeviceCode, stored.DeviceCodeHash);
    }

    internal static async Task<DeviceEndpoints.CodeResponse> StartAsync(HttpClient device, string description = "fdt test")
    {
        using var response = await device.PostAsJsonAsync("/v1/device/code", new { clientDescription = description }, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await IdentityApi.ReadAsync<DeviceEndpoints.CodeResponse>(response);
    }

    internal static Task<HttpResponseMessage> PollAsync(HttpClient device, string deviceCode)
        => device.PostAsJsonAsync("/v1/device/token", new { deviceCode }, Cancel);

    internal static async Task<string> PollErrorAsync(HttpClient device, string deviceCode)
    {
        using var response = await PollAsync(device, deviceCode);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await IdentityApi.ReadAsync<DeviceEndpoints.DeviceError>(response)).Error;
    }
}
