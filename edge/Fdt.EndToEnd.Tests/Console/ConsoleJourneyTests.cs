using System.Net;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>
/// A new installation's first minutes, in Chromium, with the real agent: set up, sign in, create
/// an authtoken, start <c>fdt http</c> with it, watch the tunnel appear, inspect and replay a
/// request, and stop the tunnel from the page.
/// </summary>
public sealed class ConsoleJourneyTests : ConsoleTestBase
{
    [Fact]
    public async Task Setup_Login_Authtoken_Tunnel_Inspect_Replay_Stop()
    {
        var page = await NewPageAsync();
        await SetUpThroughPageAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/login");
        await SignInAsync(page, OperatorEmail);

        // An authtoken, created on the page: its secret is shown once.
        await page.GetByRole(AriaRole.Link, new() { Name = "Authtokens" }).ClickAsync();
        await Expect(page.GetByTestId("authtokens-empty")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create authtoken" }).ClickAsync();
        await Expect(page.Locator("#description-error")).ToContainTextAsync("1 to 200 characters");
        await page.GetByLabel("Description").FillAsync("ada's laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create authtoken" }).ClickAsync();
        var authtoken = (await page.GetByTestId("new-token").TextContentAsync())!.Trim();
        Assert.StartsWith("fdt_", authtoken, StringComparison.Ordinal);
        await Expect(page.Locator("#new-token-commands")).ToContainTextAsync($"fdt config add-authtoken {authtoken}");
        await Browser.ScreenshotAsync(page, "authtokens-created");
        await page.GotoAsync("/authtokens");
        await Expect(page.GetByTestId("authtokens-table")).ToContainTextAsync("ada's laptop");
        Assert.DoesNotContain(authtoken, await page.ContentAsync(), StringComparison.Ordinal);

        // The real agent with that token: the tunnel shows up on the open page.
        await page.GetByRole(AriaRole.Link, new() { Name = "Tunnels" }).ClickAsync();
        await MarkDocumentAsync(page);
        await using var agent = AgentProcess.Start(Server.Url, OriginPort, authtoken);
        var url = new Uri(await agent.WaitForUrlAsync());
        var row = page.Locator($"tr[data-tunnel='{url.Host.Split('.')[0]}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = (float)Live.TotalMilliseconds });
        await AssertSameDocumentAsync(page);

        // A request through the tunnel appears in the inspector; replaying it reaches the local service again.
        await page.GetByRole(AriaRole.Link, new() { Name = "Inspector" }).ClickAsync();
        using (var visitor = Server.CreateVisitor())
        {
            using var content = new StringContent("ping from the journey", Encoding.UTF8, "text/plain");
            using var echoed = await visitor.PostAsync(new Uri(url, "/echo"), content, Cancel);
            Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
        }

        var captured = page.Locator("[data-testid='requests-table'] tbody tr").First;
        await Expect(captured).ToContainTextAsync("POST /echo", new() { Timeout = (float)Live.TotalMilliseconds });
        await captured.GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Replayed: the tunnel answered 200");
        await Expect(page.GetByTestId("response-body")).ToContainTextAsync("ping from the journey");
        await page.GotoAsync("/inspect");
        await Expect(page.Locator("[data-testid='requests-table'] tbody tr")).ToHaveCountAsync(2);

        // Stop it from the page: the agent says who stopped it and exits with its documented code.
        await page.GetByRole(AriaRole.Link, new() { Name = "Tunnels" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        var stopped = await agent.WaitForEventAsync("tunnel_stopped", timeout: TimeSpan.FromSeconds(20));
        Assert.Contains(OperatorEmail, stopped.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(6, await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(20), Cancel));
        await Expect(page.GetByTestId("tunnels-empty")).ToBeVisibleAsync(new() { Timeout = (float)Live.TotalMilliseconds });
    }
}
