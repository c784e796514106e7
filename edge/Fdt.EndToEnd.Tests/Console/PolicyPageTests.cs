using System.Net;
using Fdt.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>The team's default traffic policy and capture retention, edited in Chromium and applied to a live tunnel.</summary>
public sealed class PolicyPageTests : ConsoleTestBase
{
    [Fact]
    public async Task Policy_SavedOnThePage_ReachesALiveTunnel_AndSecretsAreNotShownBack()
    {
        var page = await NewPageAsync();
        await SetUpThroughPageAsync(page);
        using var api = await ApiAsync(OperatorEmail);
        await using var agent = AgentProcess.Start(Server.Url, OriginPort, await CreateAuthtokenAsync(api, await FirstTeamAsync(api)));
        var url = new Uri(await agent.WaitForUrlAsync());
        using var visitor = Server.CreateVisitor();

        await page.GotoAsync("/policy");
        await page.GetByLabel("Rate limit per visitor").FillAsync("lots");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(page.GetByTestId("form-problem")).ToContainTextAsync("not a rate limit");
        await page.GetByLabel("Request timeout (seconds)").FillAsync("soon");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(page.Locator("#requestTimeoutSeconds-error")).ToHaveTextAsync("A number.");

        await page.GetByLabel("Rate limit per visitor").FillAsync("100/m");
        await page.GetByLabel("Request timeout (seconds)").FillAsync("15");
        await page.GetByLabel("Basic auth users").FillAsync("ada:a-long-secret-pass");
        await page.GetByLabel("Add to responses").FillAsync("X-Team-Policy: on");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("policy is saved");
        await Expect(page.GetByLabel("Rate limit per visitor")).ToHaveValueAsync("100/m");
        Assert.DoesNotContain("a-long-secret-pass", await page.ContentAsync(), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "policy");

        // The live tunnel asks for the password now, without its agent reconnecting.
        await Eventually.TrueAsync(async () =>
        {
            using var challenged = await visitor.GetAsync(new Uri(url, "/hello"), Cancel);
            return challenged.StatusCode == HttpStatusCode.Unauthorized;
        }, "the team policy's basic auth reaches the live tunnel", cancellationToken: Cancel);

        // Saving the form again as shown keeps the stored password working.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("policy is saved");
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, "/hello")))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("ada:a-long-secret-pass"u8.ToArray()));
            using var admitted = await visitor.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Equal("on", admitted.Headers.GetValues("X-Team-Policy").Single());
        }

        // Retention: validated, then saved.
        await page.GetByLabel("Keep captured requests (days)").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save retention" }).ClickAsync();
        await Expect(page.Locator("#retention-error")).ToContainTextAsync("1 and 90");
        await page.GetByLabel("Keep captured requests (days)").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save retention" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("kept 7 days");
        await Expect(page.GetByLabel("Keep captured requests (days)")).ToHaveValueAsync("7");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove all rules" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("no default policy");
        await Eventually.TrueAsync(async () =>
        {
            using var open = await visitor.GetAsync(new Uri(url, "/hello"), Cancel);
            return open.StatusCode == HttpStatusCode.OK;
        }, "removing the policy reaches the live tunnel", cancellationToken: Cancel);
    }
}
