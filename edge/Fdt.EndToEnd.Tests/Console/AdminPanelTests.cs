using System.Net;
using System.Net.Http.Json;
using Fdt.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>
/// The operations panel in Chromium: an operator sees and stops another team's tunnel, disables
/// a user (whose session ends), and finds both actions in the audit log; others get 403.
/// </summary>
public sealed class AdminPanelTests : ConsoleTestBase
{
    private const string AdaEmail = "ada@example.com";

    protected override IReadOnlyList<string> ServerArguments => ["--Api:RegistrationMode=open"];

    [Fact]
    public async Task Operator_StopsAnotherTeamsTunnel_DisablesAUser_AndFindsBothInTheAuditLog()
    {
        var operatorPage = await NewPageAsync();
        await SetUpThroughPageAsync(operatorPage);
        await RegisterAsync(AdaEmail, "Ada");
        using var ada = await ApiAsync(AdaEmail);
        var adaToken = await CreateAuthtokenAsync(ada, await FirstTeamAsync(ada));

        await operatorPage.GotoAsync("/admin/tunnels");
        await Expect(operatorPage.GetByTestId("admin-tunnels-empty")).ToBeVisibleAsync();
        await MarkDocumentAsync(operatorPage);
        await using var agent = AgentProcess.Start(Server.Url, OriginPort, adaToken);
        var name = new Uri(await agent.WaitForUrlAsync()).Host.Split('.')[0];
        var row = operatorPage.Locator($"tr[data-tunnel='{name}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = (float)Live.TotalMilliseconds });
        await Expect(row).ToContainTextAsync("Ada's team");
        await AssertSameDocumentAsync(operatorPage);
        await Browser.ScreenshotAsync(operatorPage, "admin-tunnels");

        await row.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        var stopped = await agent.WaitForEventAsync("tunnel_stopped", timeout: TimeSpan.FromSeconds(20));
        Assert.Contains(OperatorEmail, stopped.GetRawText(), StringComparison.Ordinal);
        await Expect(operatorPage.GetByTestId("admin-tunnels-empty")).ToBeVisibleAsync(new() { Timeout = (float)Live.TotalMilliseconds });

        // Ada is signed in to the console; disabling her ends that session.
        var adaPage = await NewPageAsync();
        await SignInAsync(adaPage, AdaEmail);
        await operatorPage.GotoAsync("/admin/users?q=ada");
        var adaRow = operatorPage.Locator($"tr[data-user='{AdaEmail}']");
        await adaRow.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(operatorPage.GetByRole(AriaRole.Status)).ToContainTextAsync("disabled");
        await Expect(operatorPage.Locator($"tr[data-user='{AdaEmail}']")).ToContainTextAsync("disabled");
        await Browser.ScreenshotAsync(operatorPage, "admin-users");
        await adaPage.GotoAsync("/tunnels");
        Assert.Contains("/login", adaPage.Url, StringComparison.Ordinal);

        // The operator's own row offers no way to lock themselves out.
        await operatorPage.GotoAsync("/admin/users");
        await Expect(operatorPage.Locator($"tr[data-user='{OperatorEmail}']").GetByRole(AriaRole.Button, new() { Name = "Disable" })).ToHaveCountAsync(0);

        // Both actions are in the audit log, with the operator as actor.
        await operatorPage.GotoAsync("/admin/audit");
        await operatorPage.GetByLabel("Action starts with").FillAsync("admin.");
        await operatorPage.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var events = operatorPage.Locator("[data-testid='audit-table'] tbody tr");
        await Expect(events).ToHaveCountAsync(2);
        await Expect(events.Nth(0)).ToHaveAttributeAsync("data-action", "admin.user.disable");
        await Expect(events.Nth(1)).ToHaveAttributeAsync("data-action", "admin.tunnel.stop");
        await Expect(events.Nth(1)).ToContainTextAsync(OperatorEmail);
        await Expect(operatorPage.GetByTestId("chain-ok")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(operatorPage, "admin-audit");

        await operatorPage.GotoAsync("/admin");
        await Expect(operatorPage.GetByTestId("stat-users")).ToHaveTextAsync("2");
        await Browser.ScreenshotAsync(operatorPage, "admin-overview");
        await operatorPage.GotoAsync("/admin/edges");
        await Expect(operatorPage.GetByTestId("edges-table")).ToContainTextAsync("healthy");
    }

    [Fact]
    public async Task NonOperators_Get403_OnThePanelItsLiveDataAndTheAdminApi()
    {
        var operatorPage = await NewPageAsync();
        await SetUpThroughPageAsync(operatorPage);
        await RegisterAsync(AdaEmail, "Ada");

        var adaPage = await NewPageAsync();
        await SignInAsync(adaPage, AdaEmail);
        await Expect(adaPage.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToHaveCountAsync(0);
        foreach (var path in new[] { "/admin", "/admin/users", "/admin/tunnels", "/admin/audit" })
        {
            var response = await adaPage.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            await Expect(adaPage.Locator("h1")).ToHaveTextAsync("Not allowed");
        }

        var live = await adaPage.GotoAsync("/live?topics=admin-tunnels");
        Assert.Equal(403, live!.Status);
        await Browser.ScreenshotAsync(adaPage, "admin-forbidden");

        using var api = await ApiAsync(AdaEmail);
        using var users = await api.GetAsync("/v1/admin/users", Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    private async Task RegisterAsync(string email, string name)
    {
        using var http = LoopbackHttp.CreateClient(Server.Port);
        http.BaseAddress = Server.Url;
        using var register = await http.PostAsJsonAsync("/v1/auth/register", new { email, displayName = name, password = Password }, Cancel);
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
    }
}
