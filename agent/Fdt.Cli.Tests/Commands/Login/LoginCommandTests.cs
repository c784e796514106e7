using Fdt.Cli.Commands.Login;
using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests.Commands.Login;

/// <summary>
/// <c>fdt login</c> where no server is needed. The device flow against a real server is covered
/// by Fdt.EndToEnd.Tests (LoginEndToEndTests).
/// </summary>
public sealed class LoginCommandTests : IDisposable
{
    private readonly TestCli _cli = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ServerRefusesConnections_ExitsWithServerUnreachableAndSavesNothing()
    {
        var server = ClosedPort.ServerUrl();

        var exitCode = await _cli.RunAsync("login", "--server", server.ToString(), "--no-browser");

        Assert.Equal(ExitCodes.ServerUnreachable, exitCode);
        var error = _cli.Error.ToString();
        Assert.StartsWith($"ERROR: Cannot reach the FDT server at {server}", error, StringComparison.Ordinal);
        Assert.Contains("HINT: Check that the FDT server is running", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.ConfigPath));
        Assert.Empty(_cli.OpenedUrls);
    }

    [Fact]
    public async Task Run_ServerFromEnvironmentRefusesConnections_NamesThatServer()
    {
        var server = ClosedPort.ServerUrl();
        _cli.Environment.Set(EnvironmentVariables.Server, server.ToString());

        var exitCode = await _cli.RunAsync("login");

        Assert.Equal(ExitCodes.ServerUnreachable, exitCode);
        Assert.Contains(server.ToString(), _cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidServerFlag_ExitsWithUsageError()
    {
        var exitCode = await _cli.RunAsync("login", "--server", "localhost:8080");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--server 'localhost:8080'", _cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadConfigFile_ExitsWithUsageErrorBeforeContactingTheServer()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_cli.ConfigPath)!);
        await File.WriteAllTextAsync(_cli.ConfigPath, "[1, 2]", Ct);

        // The server refuses connections: only a check that comes first can make the exit code 2.
        var exitCode = await _cli.RunAsync("login", "--server", ClosedPort.ServerUrl().ToString());

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains(_cli.ConfigPath, _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal("[1, 2]", await File.ReadAllTextAsync(_cli.ConfigPath, Ct));
    }

    [Fact]
    public void ClientDescription_Always_NamesFdtTheMachineAndTheSystem()
    {
        var description = LoginCommand.ClientDescription();

        Assert.StartsWith($"fdt on {Environment.MachineName} (", description, StringComparison.Ordinal);
        Assert.EndsWith(")", description, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.EndsWith("(Linux)", description, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(0, null)]
    [InlineData(-3, null)]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    [InlineData(3600, 60)]
    public void Interval_ServerValue_KeptWithinOneSecondToOneMinute(int? seconds, int? expected)
    {
        Assert.Equal(expected is null ? null : TimeSpan.FromSeconds(expected.Value), LoginCommand.Interval(seconds));
    }

    public void Dispose() => _cli.Dispose();
}
