using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>The console's tunnels page in Chromium: first run, the live list, stopping a tunnel.</summary>
public sealed class TunnelsPageTests : ConsoleTestBase
{
    [Fact]
    public async Task FirstRun_SetupSignsInAndShowsWhatToRun()
    {
        var page = await NewPageAsync();
        var response = await page.GotoAsync("/");
        Assert.EndsWith("/setup", page.Url, StringComparison.Ordinal);
        Assert.Equal(SecurityHeadersPolicy, await response!.HeaderValueAsync("content-security-policy"));

        // Validation messages sit next to their fields.
        await page.GetByLabel("Email").FillAsync("not an email");
        await page.GetByLabel("Password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the operator" }).ClickAsync();
        await Expect(page.Locator("#email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#password-error")).ToContainTextAsync("10");

        await SetUpThroughPageAsync(page);
        await Expect(page.GetByTestId("tunnels-empty")).ToContainTextAsync("fdt http 3000");
        await Expect(page.GetByTestId("tunnels-empty")).ToContainTextAsync($"fdt config set server {Server.Url.ToString().TrimEnd('/')}");
        await Browser.ScreenshotAsync(page, "tunnels-empty");

        // The theme switch overrides the system's choice and is remembered.
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to the dark theme" }).ClickAsync();
        Assert.Equal("rgb(17, 19, 24)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await page.ReloadAsync();
        Assert.Equal("dark", await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
        await Browser.ScreenshotAsync(page, "tunnels-empty-dark");
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to the light theme" }).ClickAsync();
        Assert.Equal("rgb(246, 247, 249)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));

        // Setup is once only: the page now sends people to sign in.
        var other = await NewPageAsync();
        await other.GotoAsync("/setup");
        Assert.EndsWith("/login", other.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveList_ShowsAStartedTunnelWithoutAReload_AndStopsItFromThePage()
    {
        var page = await NewPageAsync();
        await SetUpThroughPageAsync(page);
        using var api = await ApiAsync(OperatorEmail);
        var authtoken = await CreateAuthtokenAsync(api, await FirstTeamAsync(api));
        await MarkDocumentAsync(page);

        await using var agent = AgentProcess.Start(Server.Url, OriginPort, authtoken);
        var url = await agent.WaitForUrlAsync();
        var name = new Uri(url).Host.Split('.')[0];
        var row = page.Locator($"tr[data-tunnel='{name}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = (float)Live.TotalMilliseconds });
        await Expect(row).ToContainTextAsync(url);

        // Traffic shows up in the counters, still without a reload.
        using (var visitor = Server.CreateVisitor())
        {
            using var hello = await visitor.GetAsync(new Uri(new Uri(url), "/hello"), Cancel);
            Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        }

        await Expect(row.GetByTestId("requests")).ToHaveTextAsync("1", new() { Timeout = (float)Live.TotalMilliseconds });
        await AssertSameDocumentAsync(page);
        await Browser.ScreenshotAsync(page, "tunnels");

        // Loaded fresh, the page shows the same (the picture in README.md comes from here).
        await page.GotoAsync("/tunnels");
        await Expect(row.GetByTestId("requests")).ToHaveTextAsync("1");
        await Browser.ScreenshotAsync(page, "console");

        await row.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        var stopped = await agent.WaitForEventAsync("tunnel_stopped", timeout: TimeSpan.FromSeconds(15));
        Assert.Contains(OperatorEmail, stopped.GetRawText(), StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("stopping");
        await Expect(page.GetByTestId("tunnels-empty")).ToBeVisibleAsync(new() { Timeout = (float)Live.TotalMilliseconds });
    }

    [Fact]
    public async Task PhoneSizedDarkScreen_ShowsTheListStacked()
    {
        var setup = await NewPageAsync();
        await SetUpThroughPageAsync(setup);
        using var api = await ApiAsync(OperatorEmail);
        var authtoken = await CreateAuthtokenAsync(api, await FirstTeamAsync(api));
        await using var agent = AgentProcess.Start(Server.Url, OriginPort, authtoken);
        var name = new Uri(await agent.WaitForUrlAsync()).Host.Split('.')[0];

        var phone = await NewPageAsync(width: 390, height: 844, colorScheme: "dark");
        await SignInAsync(phone, OperatorEmail);
        var row = phone.Locator($"tr[data-tunnel='{name}']");
        await Expect(row).ToBeVisibleAsync();

        await Browser.ScreenshotAsync(phone, "tunnels-phone-dark");

        // No sideways scrolling of the page, the table's header row is hidden and each cell is labelled.
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await Expect(phone.Locator("[data-testid='tunnels-table'] thead")).ToBeHiddenAsync();
        var background = await phone.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(17, 19, 24)", background);
    }

    private const string SecurityHeadersPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}
