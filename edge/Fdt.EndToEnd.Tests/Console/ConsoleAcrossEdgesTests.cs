using Fdt.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>
/// The console on one node shows and stops a tunnel held by another node: two fdt-server
/// processes sharing one PostgreSQL database, Chromium on the first, the agent on the second.
/// </summary>
public sealed class ConsoleAcrossEdgesTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-console-shared-{Guid.NewGuid():N}");
    private PostgresServer _postgres = null!;
    private ServerProcess _console = null!;
    private ServerProcess _edge = null!;
    private OriginServer _origin = null!;
    private Browser _browser = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync(Cancel);
        var database = await _postgres.CreateDatabaseAsync(Cancel);
        _origin = await OriginServer.StartAsync(Cancel);
        string[] Settings(string node) =>
        [
            "--Data:Provider=postgres",
            $"--Data:ConnectionString={database}",
            $"--Api:KeyDirectory={Path.Combine(_directory, "keys")}",
            $"--Edge:LeaseFile={Path.Combine(_directory, node, "leases.json")}",
        ];

        _console = await ServerProcess.StartAsync(Path.Combine(_directory, "a"), null, roles: "all", extra: Settings("a"));
        _edge = await ServerProcess.StartAsync(Path.Combine(_directory, "b"), null, roles: "edge,api", extra: Settings("b"));
        _browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        foreach (var server in new[] { _edge, _console })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task TunnelOnAnotherNode_AppearsLiveAndIsStoppedFromThisNodesConsole()
    {
        var page = await _browser.NewPageAsync(_console.Url);
        await page.GotoAsync("/setup");
        await page.GetByLabel("Email").FillAsync(ConsoleTestBase.OperatorEmail);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Ops");
        await page.GetByLabel("Password").FillAsync(ConsoleTestBase.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the operator" }).ClickAsync();
        await page.WaitForURLAsync("**/tunnels");

        using var operatorApi = await ConsoleTestBase.ApiAsync(_console, ConsoleTestBase.OperatorEmail);
        var authtoken = await ConsoleTestBase.CreateAuthtokenAsync(operatorApi, await ConsoleTestBase.FirstTeamAsync(operatorApi));
        await using var agent = AgentProcess.Start(_edge.Url, _origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), authtoken);
        var name = new Uri(await agent.WaitForUrlAsync()).Host.Split('.')[0];

        var row = page.Locator($"tr[data-tunnel='{name}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await row.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        await agent.WaitForEventAsync("tunnel_stopped", timeout: TimeSpan.FromSeconds(20));
        await Expect(page.GetByTestId("tunnels-empty")).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }
}
