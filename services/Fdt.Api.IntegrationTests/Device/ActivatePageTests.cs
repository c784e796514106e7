using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Fdt.Api.Device;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Data.Model;

namespace Fdt.Api.IntegrationTests.Device;

public sealed partial class ActivatePageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_SignsInShowsTheDeviceAndApproves()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        await IdentityApi.AddTeamAsync(factory, "no access here");
        using var device = factory.CreateClient();
        var code = await DeviceLoginTests.StartAsync(device, "fdt on <script>alert(1)</script>");
        using var browser = factory.CreateClient();

        using var form = await browser.GetAsync($"/activate?code={code.UserCode}", Cancel);
        var formHtml = await form.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains($"value=\"{code.UserCode}\"", formHtml, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", form.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.False(form.Headers.Contains("Set-Cookie"));

        using var signedIn = await PostFormAsync(browser, ("code", code.UserCode.ToLowerInvariant()), ("email", "owner@example.com"), ("password", Seed.Password));
        var approval = await signedIn.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("fdt on &lt;script&gt;alert(1)&lt;/script&gt;", approval, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", approval, StringComparison.Ordinal);
        Assert.Contains(owner.TeamId.ToString("D"), approval, StringComparison.Ordinal);
        Assert.DoesNotContain("no access here", approval, StringComparison.Ordinal);
        var ticket = TicketPattern().Match(approval).Groups[1].Value;
        Assert.NotEmpty(ticket);
        Assert.Equal("authorization_pending", await DeviceLoginTests.PollErrorAsync(device, code.DeviceCode));

        using var approved = await PostFormAsync(browser, ("ticket", ticket), ("team", owner.TeamId.ToString("D")), ("decision", "approve"));

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("Device approved", await approved.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var poll = await DeviceLoginTests.PollAsync(device, code.DeviceCode);
        var token = await IdentityApi.ReadAsync<DeviceEndpoints.TokenResponse>(poll);
        Assert.Equal(owner.TeamId, token.TeamId);

        // The ticket is spent with the code: replaying it finds nothing to approve.
        using var replay = await PostFormAsync(browser, ("ticket", ticket), ("team", owner.TeamId.ToString("D")), ("decision", "approve"));
        Assert.Equal(HttpStatusCode.NotFound, replay.StatusCode);
    }

    [Fact]
    public async Task Page_Denies()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var device = factory.CreateClient();
        var code = await DeviceLoginTests.StartAsync(device);
        using var browser = factory.CreateClient();
        using var signedIn = await PostFormAsync(browser, ("code", code.UserCode), ("email", "owner@example.com"), ("password", Seed.Password));
        var ticket = TicketPattern().Match(await signedIn.Content.ReadAsStringAsync(Cancel)).Groups[1].Value;

        using var denied = await PostFormAsync(browser, ("ticket", ticket), ("team", owner.TeamId.ToString("D")), ("decision", "deny"));

        Assert.Contains("Device denied", await denied.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal("access_denied", await DeviceLoginTests.PollErrorAsync(device, code.DeviceCode));
    }

    [Fact]
    public async Task Page_WrongPassword_ShowsAnErrorAndApprovesNothing()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var device = factory.CreateClient();
        var code = await DeviceLoginTests.StartAsync(device);
        using var browser = factory.CreateClient();

        using var refused = await PostFormAsync(browser, ("code", code.UserCode), ("email", "owner@example.com"), ("password", "wrong password"));

        var html = await refused.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("The email or password is wrong.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"ticket\"", html, StringComparison.Ordinal);
        Assert.Equal("authorization_pending", await DeviceLoginTests.PollErrorAsync(device, code.DeviceCode));
    }

    [Fact]
    public async Task Page_SharesTheLoginLockout()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"), ("Api:LockoutThreshold", "2"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var device = factory.CreateClient();
        var code = await DeviceLoginTests.StartAsync(device);
        using var browser = factory.CreateClient();
        using (await PostFormAsync(browser, ("code", code.UserCode), ("email", "owner@example.com"), ("password", "wrong password")))
        using (await PostFormAsync(browser, ("code", code.UserCode), ("email", "owner@example.com"), ("password", "wrong password")))
        {
        }

        using var page = await PostFormAsync(browser, ("code", code.UserCode), ("email", "owner@example.com"), ("password", Seed.Password));
        using var api = await browser.PostAsync("/v1/auth/login", JsonContent.Create(new { email = "owner@example.com", password = Seed.Password }), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Contains("the account is locked", await page.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode)423, api.StatusCode);
        Assert.Equal("authorization_pending", await DeviceLoginTests.PollErrorAsync(device, code.DeviceCode));
    }

    [Fact]
    public async Task Page_ForgedTicketOrForeignTeam_IsRefused()
    {
        await using var factory = IdentityApi.CreateFactory(("Api:DevicePollIntervalSeconds", "0"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);
        using var member = await Seed.UserAsync(factory, "member@example.com");
        using var device = factory.CreateClient();
        var code = await DeviceLoginTests.StartAsync(device);
        using var browser = factory.CreateClient();
        using var signedIn = await PostFormAsync(browser, ("code", code.UserCode), ("email", "member@example.com"), ("password", Seed.Password));
        var ticket = TicketPattern().Match(await signedIn.Content.ReadAsStringAsync(Cancel)).Groups[1].Value;

        using var forged = await PostFormAsync(browser, ("ticket", ticket[..^2] + "xx"), ("team", member.TeamId.ToString("D")), ("decision", "approve"));
        using var foreignTeam = await PostFormAsync(browser, ("ticket", ticket), ("team", owner.TeamId.ToString("D")), ("decision", "approve"));
        using var viewerOnly = await PostFormAsync(browser, ("code", code.UserCode), ("email", "viewer@example.com"), ("password", Seed.Password));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, foreignTeam.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewerOnly.StatusCode);
        Assert.Equal("authorization_pending", await DeviceLoginTests.PollErrorAsync(device, code.DeviceCode));
    }

    [Fact]
    public async Task Page_UnknownCode_SaysSo()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var browser = factory.CreateClient();

        using var response = await PostFormAsync(browser, ("code", "BCDF-GHJK"), ("email", "owner@example.com"), ("password", Seed.Password));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No login is waiting for this code", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient browser, params (string Key, string Value)[] fields)
        => browser.PostAsync("/activate", new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))), Cancel);

    [GeneratedRegex("name=\"ticket\" value=\"([^\"]+)\"")]
    private static partial Regex TicketPattern();
}
