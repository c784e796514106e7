using System.Net.Http.Headers;
using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>
/// <c>fdt login</c>, <c>fdt tunnels</c> and <c>fdt logout</c>: the built fdt binary against the
/// built fdt-server running every role (accounts, device login, tunnel API and edge), with an
/// operator approving logins through the server's API as the web console does.
/// </summary>
public sealed class AccountEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-{Guid.NewGuid():N}");
    private readonly FdtUser _user = new();
    private OriginServer _origin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _origin = await OriginServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _origin.DisposeAsync();
        _user.Dispose();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Login_Approved_SavesAuthtokenAndServerAndNamesTheTeam()
    {
        await using var server = await StartWithAccountsAsync();
        using var admin = await ServerOperator.CreateFirstAsync(server);

        await using var login = _user.Start("login", "--no-browser", "--server", server.Url.ToString());
        var code = await FdtUser.WaitForUserCodeAsync(login);
        await login.WaitForLineAsync(l => l == $"or open {server.Url}activate?code={code}", ExitTimeout, Ct);
        await login.WaitForLineAsync(l => l.StartsWith("Waiting for approval", StringComparison.Ordinal), ExitTimeout, Ct);
        var device = await admin.DescribeDeviceAsync(code);
        Assert.StartsWith("fdt on ", device.GetProperty("clientDescription").GetString(), StringComparison.Ordinal);
        Assert.False(login.HasExited);

        await admin.DecideAsync(code, approve: true);

        Assert.Equal(0, await login.WaitForExitAsync(ExitTimeout, Ct));
        var config = _user.ReadConfig();
        var authtoken = config["authtoken"];
        Assert.StartsWith("fdt_", authtoken, StringComparison.Ordinal);
        Assert.Equal(server.Url.ToString(), config["server"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_user.ConfigPath));
        Assert.Contains($"Signed in to team {admin.TeamName}. Authtoken saved to {_user.ConfigPath}.", login.Lines);
        Assert.DoesNotContain(authtoken!, login.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_Denied_ExitsWithCode3AndSavesNothing()
    {
        await using var server = await StartWithAccountsAsync();
        using var admin = await ServerOperator.CreateFirstAsync(server);

        await using var login = _user.Start("login", "--no-browser", "--server", server.Url.ToString());
        await admin.DecideAsync(await FdtUser.WaitForUserCodeAsync(login), approve: false);

        Assert.Equal(3, await login.WaitForExitAsync(ExitTimeout, Ct));
        Assert.StartsWith("ERROR: The login was denied.", login.StandardError, StringComparison.Ordinal);
        Assert.False(_user.ReadConfig().ContainsKey("authtoken"));
    }

    [Fact]
    public async Task Login_Interrupted_SaysCanceledAndExitsZero()
    {
        await using var server = await StartWithAccountsAsync();

        await using var login = _user.Start("login", "--no-browser", "--server", server.Url.ToString());
        await login.WaitForLineAsync(l => l.StartsWith("Waiting for approval", StringComparison.Ordinal), ExitTimeout, Ct);
        login.Interrupt();

        Assert.Equal(0, await login.WaitForExitAsync(ExitTimeout, Ct));
        Assert.Equal("Login canceled.", login.Lines[^1]);
        Assert.Equal(string.Empty, login.StandardError);
        Assert.False(File.Exists(_user.ConfigPath));
    }

    [Fact]
    public async Task SignedIn_TunnelIsListedAndStopped_ThenLogoutRevokesTheAuthtoken()
    {
        await using var server = await StartWithAccountsAsync();
        using var admin = await ServerOperator.CreateFirstAsync(server);
        var authtoken = await SignInAsync(server, admin);

        // fdt http with nothing but the config file fdt login wrote.
        await using var agent = AgentProcess.StartWithConfig(_user.ConfigPath, _origin.Address);
        var started = await agent.WaitForEventAsync("tunnel_started");
        var tunnelId = started.GetProperty("tunnel_id").GetString()!;
        var url = started.GetProperty("url").GetString()!;
        using (var visitor = server.CreateVisitor())
        {
            Assert.Equal("hello from origin", await visitor.GetStringAsync(url + "/hello", Ct));
        }

        // The control plane records tunnels as the edge reports them: wait until it lists this one.
        await WaitForTunnelsAsync(server, authtoken, tunnels => tunnels.Any(t => t.GetProperty("id").GetString() == tunnelId));
        var json = await _user.RunAsync("tunnels", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using (var listed = JsonDocument.Parse(json.Output))
        {
            var tunnel = Assert.Single(listed.RootElement.EnumerateArray());
            Assert.Equal(tunnelId, tunnel.GetProperty("id").GetString());
            Assert.Equal(url, tunnel.GetProperty("url").GetString());
            Assert.Equal($"http://{_origin.Address}", tunnel.GetProperty("localAddress").GetString()!.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
            Assert.False(tunnel.GetProperty("stopping").GetBoolean());
        }

        var table = await _user.RunAsync("tunnels");
        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Output.Split('\n');
        Assert.StartsWith("ID ", lines[0], StringComparison.Ordinal);
        Assert.Matches($@"^{tunnelId} +{url.Replace(".", @"\.", StringComparison.Ordinal)} .* online$", lines[1]);

        var stop = await _user.RunAsync("tunnels", "stop", tunnelId);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal($"Stopping tunnel {tunnelId}.", stop.Output);
        Assert.Equal(6, await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal("ERR_FDT_2009", (await agent.WaitForEventAsync("error")).GetProperty("code").GetString());

        await WaitForTunnelsAsync(server, authtoken, tunnels => tunnels.Count == 0);
        var empty = await _user.RunAsync("tunnels", "list");
        Assert.Equal("No tunnels are running.", empty.Output);
        var again = await _user.RunAsync("tunnels", "stop", tunnelId);
        Assert.Equal(2, again.ExitCode);
        Assert.StartsWith($"ERROR: No live tunnel {tunnelId} in this team", again.Error, StringComparison.Ordinal);

        var logout = await _user.RunAsync("logout");
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.StartsWith($"Revoked the authtoken on {server.Url}.", logout.Output, StringComparison.Ordinal);
        var config = _user.ReadConfig();
        Assert.False(config.ContainsKey("authtoken"));
        Assert.Equal(server.Url.ToString(), config["server"]);

        await using var revoked = AgentProcess.Start(server.Url, _origin.Address, authtoken);
        Assert.Equal(3, await revoked.Process.WaitForExitAsync(ExitTimeout, Ct));
        var refused = await _user.RunAsync("tunnels", "--authtoken", authtoken);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("fdt login", refused.Error, StringComparison.Ordinal);
        var second = await _user.RunAsync("logout");
        Assert.Equal((0, "Not signed in."), (second.ExitCode, second.Output));
    }

    [Fact]
    public async Task LogoutWithRevokedAuthtoken_SaysSoAndStillRemovesIt()
    {
        await using var server = await StartWithAccountsAsync();
        using var admin = await ServerOperator.CreateFirstAsync(server);
        var authtoken = await SignInAsync(server, admin);
        using (var other = new FdtUser())
        {
            var config = await other.RunAsync("config", "add-authtoken", authtoken);
            Assert.Equal(0, config.ExitCode);
            Assert.Equal(0, (await other.RunAsync("logout", "--server", server.Url.ToString())).ExitCode);
        }

        var logout = await _user.RunAsync("logout");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Contains("no longer accepted the authtoken", logout.Output, StringComparison.Ordinal);
        Assert.False(_user.ReadConfig().ContainsKey("authtoken"));
    }

    [Fact]
    public async Task ServerWithoutAccounts_LoginAndTunnelsExplainAndLogoutRemovesTheAuthtoken()
    {
        const string Token = "fdt_e2e_token_0123456789";
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);

        var login = await _user.RunAsync("login", "--server", server.Url.ToString());
        Assert.Equal(2, login.ExitCode);
        Assert.Contains("HINT: This server runs without accounts; set the authtoken it printed with `fdt config add-authtoken <token>`.", login.Error, StringComparison.Ordinal);

        var tunnels = await _user.RunAsync("tunnels", "--server", server.Url.ToString(), "--authtoken", Token);
        Assert.Equal(2, tunnels.ExitCode);
        Assert.Contains("runs without accounts", tunnels.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await _user.RunAsync("config", "add-authtoken", Token)).ExitCode);
        var logout = await _user.RunAsync("logout", "--server", server.Url.ToString());
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Contains("could not be revoked there", logout.Output, StringComparison.Ordinal);
        Assert.False(_user.ReadConfig().ContainsKey("authtoken"));
    }

    [Fact]
    public async Task Login_ServerIsNotFdt_ExitsWithCode1NamingTheAnswer()
    {
        // The origin answers every path with text, not with the device login's JSON.
        var login = await _user.RunAsync("login", "--no-browser", "--server", $"http://{_origin.Address}");

        Assert.Equal(1, login.ExitCode);
        Assert.StartsWith("ERROR: The server's answer to POST /v1/device/code (200 OK) is not what fdt expects", login.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_user.ConfigPath));
    }

    private static async Task<List<JsonElement>> WaitForTunnelsAsync(ServerProcess server, string authtoken, Func<List<JsonElement>, bool> until)
    {
        using var http = LoopbackHttp.CreateClient(server.Port);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", authtoken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.Url, "/v1/agent/tunnels"), timeout.Token));
            var tunnels = document.RootElement.EnumerateArray().Select(t => t.Clone()).ToList();
            if (until(tunnels))
            {
                return tunnels;
            }

            // Polling is all there is: the server records tunnels asynchronously and has no change feed.
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    private Task<ServerProcess> StartWithAccountsAsync()
        => ServerProcess.StartAsync(_dataDirectory, token: null, roles: "all", extra: ["--Api:DevicePollIntervalSeconds=1"]);

    /// <summary>Runs <c>fdt login</c> for <see cref="_user"/> and approves it; returns the saved authtoken.</summary>
    private async Task<string> SignInAsync(ServerProcess server, ServerOperator admin)
    {
        await using var login = _user.Start("login", "--no-browser", "--server", server.Url.ToString());
        await admin.DecideAsync(await FdtUser.WaitForUserCodeAsync(login), approve: true);
        Assert.Equal(0, await login.WaitForExitAsync(ExitTimeout, Ct));
        return _user.ReadConfig()["authtoken"]!;
    }
}
