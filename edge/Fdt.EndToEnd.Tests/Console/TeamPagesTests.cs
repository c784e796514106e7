using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>The team's pages in Chromium: reserved names and ports, members, invitations and joining.</summary>
public sealed class TeamPagesTests : ConsoleTestBase
{
    [Fact]
    public async Task Names_AreReservedWithValidationAndReleased_PortsToo()
    {
        var page = await NewPageAsync();
        await SetUpThroughPageAsync(page);
        await page.GotoAsync("/names");
        await Expect(page.GetByTestId("names-empty")).ToBeVisibleAsync();

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Not A Name!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve name" }).ClickAsync();
        await Expect(page.Locator("#name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#name-error")).ToBeVisibleAsync();

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("shop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve name" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("reserved");
        await Expect(page.Locator("tr[data-name='shop']")).ToBeVisibleAsync();

        await page.GetByLabel("Port").FillAsync("70000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve port" }).ClickAsync();
        await Expect(page.Locator("#port-error")).ToContainTextAsync("1 to 65535");
        await page.GetByLabel("Port").FillAsync("20022");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve port" }).ClickAsync();
        await Expect(page.Locator("tr[data-port='20022']")).ToContainTextAsync(":20022");
        await Expect(page.Locator("tr[data-name='tcp-20022']")).ToHaveCountAsync(0);

        // Taken names are refused next to the field.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("shop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reserve name" }).ClickAsync();
        await Expect(page.Locator("#name-error")).ToContainTextAsync("reserved already");
        await Browser.ScreenshotAsync(page, "names");

        await page.Locator("tr[data-name='shop']").GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await Expect(page.Locator("tr[data-name='shop']")).ToHaveCountAsync(0);
        await Expect(page.Locator("tr[data-port='20022']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Invitation_IsShownOnce_JoinedWithANewAccount_AndRolesLimitWhatMembersSee()
    {
        var admin = await NewPageAsync();
        await SetUpThroughPageAsync(admin);
        await admin.GotoAsync("/team");
        await Expect(admin.GetByTestId("invitations-empty")).ToBeVisibleAsync();

        await admin.GetByLabel("Email (optional)").FillAsync("not-an-email");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create invitation link" }).ClickAsync();
        await Expect(admin.Locator("#invite-email-error")).ToBeVisibleAsync();

        await admin.GetByLabel("Email (optional)").FillAsync("ada@example.com");
        await admin.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("member");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create invitation link" }).ClickAsync();
        var link = (await admin.GetByTestId("invitation-link").TextContentAsync())!.Trim();
        Assert.Contains("/join/", link, StringComparison.Ordinal);
        await Browser.ScreenshotAsync(admin, "team-invitation");
        await admin.GotoAsync("/team");
        Assert.DoesNotContain(link, await admin.ContentAsync(), StringComparison.Ordinal);
        await Expect(admin.GetByTestId("invitations-table")).ToContainTextAsync("ada@example.com");

        // Ada opens the link without an account, creates one and lands in the team.
        var ada = await NewPageAsync();
        await ada.GotoAsync(new Uri(link).PathAndQuery);
        await Expect(ada.Locator("h1")).ToContainTextAsync("Join Ops's team");
        await Expect(ada.GetByLabel("Email")).ToHaveValueAsync("ada@example.com");
        await ada.GetByLabel("Name", new() { Exact = true }).FillAsync("Ada");
        await ada.GetByLabel("Password").FillAsync("short");
        await ada.GetByRole(AriaRole.Button, new() { Name = "Create account and join" }).ClickAsync();
        await Expect(ada.Locator("#password-error")).ToBeVisibleAsync();
        await ada.GetByLabel("Password").FillAsync(Password);
        await ada.GetByRole(AriaRole.Button, new() { Name = "Create account and join" }).ClickAsync();
        await ada.WaitForURLAsync("**/tunnels");
        await Expect(ada.GetByRole(AriaRole.Status)).ToContainTextAsync("Welcome to Ops's team");

        // The link is used up.
        var late = await NewPageAsync();
        var again = await late.GotoAsync(new Uri(link).PathAndQuery);
        Assert.Equal(404, again!.Status);
        await Expect(late.GetByTestId("form-problem")).ToContainTextAsync("not valid");

        // A member creates authtokens but cannot manage names or the team.
        await ada.GotoAsync("/names");
        await Expect(ada.GetByRole(AriaRole.Button, new() { Name = "Reserve name" })).ToHaveCountAsync(0);
        await ada.GotoAsync("/team");
        await Expect(ada.GetByRole(AriaRole.Button, new() { Name = "Create invitation link" })).ToHaveCountAsync(0);
        await ada.GotoAsync("/authtokens");
        await Expect(ada.GetByRole(AriaRole.Button, new() { Name = "Create authtoken" })).ToBeVisibleAsync();

        // The admin makes Ada a viewer: she can no longer create authtokens.
        await admin.GotoAsync("/team");
        var adaRow = admin.Locator("tr[data-member='ada@example.com']");
        await adaRow.GetByLabel("Role of ada@example.com").SelectOptionAsync("viewer");
        await adaRow.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("ada@example.com is now viewer");
        await Browser.ScreenshotAsync(admin, "team");
        await ada.GotoAsync("/authtokens");
        await Expect(ada.GetByRole(AriaRole.Button, new() { Name = "Create authtoken" })).ToHaveCountAsync(0);
    }
}
