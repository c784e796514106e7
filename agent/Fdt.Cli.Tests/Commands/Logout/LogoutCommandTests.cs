using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests.Commands.Logout;

/// <summary>
/// <c>fdt logout</c> where no server is needed. Revoking against a real server is covered by
/// Fdt.EndToEnd.Tests (LoginEndToEndTests).
/// </summary>
public sealed class LogoutCommandTests : IDisposable
{
    private const string Token = "fdt_0123456789abcdefghijklmnop";

    private readonly TestCli _cli = new();

    private CliConfigStore Store => new(_cli.ConfigPath);

    [Fact]
    public async Task Run_NoAuthtoken_SaysNotSignedInAndCreatesNoFile()
    {
        var exitCode = await _cli.RunAsync("logout");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal("Not signed in.", _cli.Out.ToString().TrimEnd());
        Assert.Equal(string.Empty, _cli.Error.ToString());
        Assert.False(File.Exists(_cli.ConfigPath));
    }

    [Fact]
    public async Task Run_OnlyEnvironmentAuthtoken_SaysNotSignedInAndThatTheVariableStays()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, Token);

        var exitCode = await _cli.RunAsync("logout");

        Assert.Equal(ExitCodes.Success, exitCode);
        var output = _cli.Out.ToString();
        Assert.StartsWith("Not signed in.", output, StringComparison.Ordinal);
        Assert.Contains("FDT_AUTHTOKEN is set", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ServerRefusesConnections_ExitsWithServerUnreachableAndKeepsTheAuthtoken()
    {
        var server = ClosedPort.ServerUrl();
        Store.Save(new CliConfig { Server = server.ToString(), Authtoken = Token });

        var exitCode = await _cli.RunAsync("logout");

        Assert.Equal(ExitCodes.ServerUnreachable, exitCode);
        Assert.Equal(new CliConfig { Server = server.ToString(), Authtoken = Token }, Store.Load());
        var error = _cli.Error.ToString();
        Assert.StartsWith($"ERROR: Cannot reach the FDT server at {server}", error, StringComparison.Ordinal);
        Assert.Contains($"The authtoken was kept in {_cli.ConfigPath}; run `fdt logout` again.", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, _cli.Out.ToString() + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EnvironmentAuthtokenToo_SaysOnlyTheConfigFilesIsRevoked()
    {
        Store.Save(new CliConfig { Authtoken = Token });
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "fdt_from_environment_0123");

        var exitCode = await _cli.RunAsync("logout", "--server", ClosedPort.ServerUrl().ToString());

        Assert.Equal(ExitCodes.ServerUnreachable, exitCode);
        Assert.Contains($"fdt logout revokes and removes only the authtoken of {_cli.ConfigPath}, not FDT_AUTHTOKEN's.", _cli.Out.ToString(), StringComparison.Ordinal);
        Assert.Equal(Token, Store.Load().Authtoken);
    }

    [Fact]
    public async Task Run_AuthtokenWithSpaces_ExitsWithUsageErrorAndKeepsIt()
    {
        Store.Save(new CliConfig { Authtoken = "two words" });

        var exitCode = await _cli.RunAsync("logout", "--server", ClosedPort.ServerUrl().ToString());

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Equal("two words", Store.Load().Authtoken);
    }

    public void Dispose() => _cli.Dispose();
}
