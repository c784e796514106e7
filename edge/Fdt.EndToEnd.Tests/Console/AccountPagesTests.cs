using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>The person's own pages in Chromium: approving <c>fdt login</c> on /activate, and the profile.</summary>
public sealed class AccountPagesTests : ConsoleTestBase
{
    [Fact]
    public async Task FdtLogin_IsApprovedOnTheActivatePage_ShowingWhichDeviceAsks()
    {
        var setup = await NewPageAsync();
        await SetUpThroughPageAsync(setup);
        using var user = new FdtUser();
        await using var login = user.Start("login", "--no-browser", "--server", Server.Url.ToString());
        var code = await FdtUser.WaitForUserCodeAsync(login);

        // The link fdt prints, opened in a browser that is not signed in: sign in first, then back.
        var page = await NewPageAsync();
        await page.GotoAsync($"/activate?code={code}");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Email").FillAsync(OperatorEmail);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync($"**/activate?code={code}");
        await Expect(page.GetByTestId("device")).ToContainTextAsync("fdt on ");
        await Expect(page.GetByTestId("device")).ToContainTextAsync("127.0.0.1");
        await Expect(page.GetByTestId("device-code")).ToHaveTextAsync(code);
        await Browser.ScreenshotAsync(page, "activate");

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Device approved");
        Assert.Equal(0, await login.WaitForExitAsync(TimeSpan.FromSeconds(30), Cancel));
        Assert.StartsWith("fdt_", user.ReadConfig()["authtoken"], StringComparison.Ordinal);

        // The code is used up; a wrong one is refused next to the field.
        await page.GotoAsync($"/activate?code={code}");
        await Expect(page.Locator("#code-error")).ToContainTextAsync("No login is waiting");
    }

    [Fact]
    public async Task FdtLogin_Denied_GetsNoAuthtoken()
    {
        var page = await NewPageAsync();
        await SetUpThroughPageAsync(page);
        using var user = new FdtUser();
        await using var login = user.Start("login", "--no-browser", "--server", Server.Url.ToString());
        var code = await FdtUser.WaitForUserCodeAsync(login);

        await page.GotoAsync("/activate");
        await page.GetByLabel("Code").FillAsync(code.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Device denied");
        Assert.NotEqual(0, await login.WaitForExitAsync(TimeSpan.FromSeconds(30), Cancel));
        Assert.False(user.ReadConfig().ContainsKey("authtoken"));
    }

    [Fact]
    public async Task Profile_ChangesTheName_AndThePasswordKeepsThisBrowserInButEndsOtherSessions()
    {
        var page = await NewPageAsync();
        await SetUpThroughPageAsync(page);
        var other = await NewPageAsync();
        await SignInAsync(other, OperatorEmail);

        await page.GotoAsync("/profile");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save name" }).ClickAsync();
        await Expect(page.Locator("#displayName")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Grace Ops");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save name" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("name is changed");
        await Expect(page.Locator(".userbar")).ToContainTextAsync("Grace Ops");

        await page.GetByLabel("Current password").FillAsync("not my password");
        await page.GetByLabel("New password").FillAsync("a brand new passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.Locator("#current-error")).ToContainTextAsync("not correct");

        await page.GetByLabel("Current password").FillAsync(Password);
        await page.GetByLabel("New password").FillAsync("a brand new passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("password is changed");
        await Browser.ScreenshotAsync(page, "profile");

        await page.GotoAsync("/tunnels");
        Assert.EndsWith("/tunnels", page.Url, StringComparison.Ordinal);
        await other.GotoAsync("/tunnels");
        Assert.Contains("/login", other.Url, StringComparison.Ordinal);
        await SignInAsync(other, OperatorEmail, "a brand new passphrase");
    }
}
