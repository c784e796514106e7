using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>The console's inspector in Chromium: the live list, details, replay (as captured and edited), HAR and curl.</summary>
public sealed class InspectorPageTests : ConsoleTestBase
{
    [Fact]
    public async Task Request_AppearsLive_ShowsDetails_ExportsAndReplays()
    {
        var page = await NewPageAsync();
        await SetUpThroughPageAsync(page);
        using var api = await ApiAsync(OperatorEmail);
        await using var agent = AgentProcess.Start(Server.Url, OriginPort, await CreateAuthtokenAsync(api, await FirstTeamAsync(api)));
        var url = new Uri(await agent.WaitForUrlAsync());

        await page.GotoAsync("/inspect");
        await Expect(page.GetByTestId("requests-empty")).ToContainTextAsync("fdt http 3000");
        await MarkDocumentAsync(page);

        using var visitor = Server.CreateVisitor();
        using (var post = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "/echo?source=webhook")))
        {
            post.Content = new StringContent("""{"event":"paid","amount":42}""", Encoding.UTF8, "application/json");
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "secret-visitor-token");
            using var echoed = await visitor.SendAsync(post, Cancel);
            Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
        }

        var row = page.Locator("[data-testid='requests-table'] tbody tr").First;
        await Expect(row).ToContainTextAsync("POST /echo?source=webhook", new() { Timeout = (float)Live.TotalMilliseconds });
        await AssertSameDocumentAsync(page);
        await Browser.ScreenshotAsync(page, "inspector");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("200");
        await Expect(page.GetByTestId("request-body")).ToContainTextAsync("\"amount\": 42");
        await Expect(page.GetByTestId("response-body")).ToContainTextAsync("\"event\": \"paid\"");
        await Expect(page.GetByTestId("request-headers")).ToContainTextAsync("[redacted]");
        await Expect(page.GetByTestId("request-headers")).Not.ToContainTextAsync("secret-visitor-token");
        await Expect(page.Locator("#curl-command")).ToContainTextAsync("curl");
        await Expect(page.Locator("#curl-command")).ToContainTextAsync("/echo?source=webhook");
        await Browser.ScreenshotAsync(page, "inspector-detail");
        var detailUrl = page.Url;

        // HAR export: a download that parses back, with the request in it.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download HAR" }).ClickAsync());
        Assert.EndsWith(".har", download.SuggestedFilename, StringComparison.Ordinal);
        using (var har = JsonDocument.Parse(await File.ReadAllTextAsync(await download.PathAsync(), Cancel)))
        {
            var entry = har.RootElement.GetProperty("log").GetProperty("entries")[0];
            Assert.Equal("POST", entry.GetProperty("request").GetProperty("method").GetString());
            Assert.EndsWith("/echo?source=webhook", entry.GetProperty("request").GetProperty("url").GetString(), StringComparison.Ordinal);
        }

        // Replay as captured: a new exchange linked to the original.
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Replayed: the tunnel answered 200");
        Assert.NotEqual(detailUrl, page.Url);
        await Expect(page.GetByTestId("replay-of")).ToHaveAttributeAsync("href", new Uri(detailUrl).AbsolutePath);
        await Expect(page.GetByTestId("response-body")).ToContainTextAsync("\"amount\": 42");

        // Replay with edits: a bad path is refused next to its field, a new body reaches the local service.
        await page.GotoAsync(detailUrl);
        await page.GetByRole(AriaRole.Link, new() { Name = "Replay with edits" }).ClickAsync();
        await Expect(page.GetByLabel("Body")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("amount"));
        await page.GetByLabel("Path and query").FillAsync("no-slash");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(page.Locator("#path")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#path-error")).ToContainTextAsync("starting with '/'");

        await page.GetByLabel("Path and query").FillAsync("/echo?source=edited");
        await page.GetByLabel("Body").FillAsync("""{"event":"refunded"}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Replayed with your edits");
        await Expect(page.GetByTestId("response-body")).ToContainTextAsync("refunded");
        await Expect(page.Locator("h1")).ToContainTextAsync("/echo?source=edited");

        // Filters: a status class shows only matching exchanges.
        using (var missing = await visitor.GetAsync(new Uri(url, "/status/404"), Cancel))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        await page.GotoAsync("/inspect?status=4xx");
        await Expect(page.Locator("[data-testid='requests-table'] tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid='requests-table'] tbody tr")).ToContainTextAsync("/status/404");
        await page.GotoAsync("/inspect?status=abc");
        await Expect(page.Locator("#status-error")).ToBeVisibleAsync();

        // On a phone, in the dark theme, the detail page fits the screen.
        var phone = await NewPageAsync(width: 390, height: 844, colorScheme: "dark");
        await SignInAsync(phone, OperatorEmail);
        await phone.GotoAsync(detailUrl);
        await Expect(phone.GetByTestId("request-body")).ToContainTextAsync("amount");
        await Browser.ScreenshotAsync(phone, "inspector-detail-phone-dark");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
    }
}
