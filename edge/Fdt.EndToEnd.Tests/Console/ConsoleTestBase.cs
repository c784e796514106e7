using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Testing;
using Microsoft.Playwright;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>
/// A console test's world: fdt-server with every role (edges report counters every second), a
/// local origin for tunnels, and Chromium. Helpers set the server up and sign people in through
/// the pages, or through the API where a test only needs the state.
/// </summary>
public abstract class ConsoleTestBase : IAsyncLifetime
{
    public const string OperatorEmail = "ops@example.com";
    public const string Password = ServerOperator.Password;

    /// <summary>
    /// How long a test waits for a live page to show a change: generous, because tests assert that
    /// the change arrives without a reload, not how fast (a busy 2-core CI machine is slow).
    /// </summary>
    protected static readonly TimeSpan Live = TimeSpan.FromSeconds(20);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-console-{Guid.NewGuid():N}");

    internal ServerProcess Server { get; private set; } = null!;

    internal OriginServer Origin { get; private set; } = null!;

    internal Browser Browser { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>More settings for the server, e.g. <c>--Api:RegistrationMode=open</c>.</summary>
    protected virtual IReadOnlyList<string> ServerArguments => [];

    protected string OriginPort => Origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask InitializeAsync()
    {
        Origin = await OriginServer.StartAsync(Cancel);
        Server = await ServerProcess.StartAsync(_dataDirectory, null, roles: "all", extra: ["--Api:LoginAttemptsPerMinute=1000", .. ServerArguments]);
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (Origin is not null)
        {
            await Origin.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A new browser page (own cookies) on the server.</summary>
    protected Task<IPage> NewPageAsync(int width = 1280, int height = 800, string colorScheme = "light") => Browser.NewPageAsync(Server.Url, width, height, colorScheme);

    /// <summary>Creates the first operator through <c>/setup</c>; the page ends signed in on /tunnels.</summary>
    protected static async Task SetUpThroughPageAsync(IPage page, string email = OperatorEmail, string name = "Ops")
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/setup");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the operator" }).ClickAsync();
        await page.WaitForURLAsync("**/tunnels");
    }

    /// <summary>Signs in through <c>/login</c>.</summary>
    protected static async Task SignInAsync(IPage page, string email, string password = Password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/tunnels");
    }

    /// <summary>An API client signed in as <paramref name="email"/>.</summary>
    internal Task<HttpClient> ApiAsync(string email, string password = Password) => ApiAsync(Server, email, password);

    /// <summary>An API client of <paramref name="server"/> signed in as <paramref name="email"/>.</summary>
    internal static async Task<HttpClient> ApiAsync(ServerProcess server, string email, string password = Password)
    {
        ArgumentNullException.ThrowIfNull(server);
        var http = LoopbackHttp.CreateClient(server.Port);
        http.BaseAddress = server.Url;
        using var login = await http.PostAsJsonAsync("/v1/auth/login", new { email, password }, Cancel);
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"{login.StatusCode}: {await login.Content.ReadAsStringAsync(Cancel)}");
        var session = await login.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("accessToken").GetString());
        return http;
    }

    /// <summary>The id of <paramref name="api"/>'s user's first team.</summary>
    internal static async Task<Guid> FirstTeamAsync(HttpClient api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var teams = await api.GetFromJsonAsync<JsonElement>("/v1/teams", Cancel);
        return teams.EnumerateArray().First().GetProperty("id").GetGuid();
    }

    /// <summary>Creates an authtoken for <paramref name="teamId"/> through the API.</summary>
    internal static async Task<string> CreateAuthtokenAsync(HttpClient api, Guid teamId)
    {
        ArgumentNullException.ThrowIfNull(api);
        using var response = await api.PostAsJsonAsync($"/v1/teams/{teamId}/authtokens", new { description = "console test" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("token").GetString()!;
    }

    /// <summary>Marks the page's current document so a test can show that later changes came without a reload.</summary>
    protected static Task MarkDocumentAsync(IPage page) => page.EvaluateAsync("() => { window.__fdtMark = 'same document'; }");

    protected static async Task AssertSameDocumentAsync(IPage page)
        => Assert.Equal("same document", await page.EvaluateAsync<string?>("() => window.__fdtMark ?? null"));
}
