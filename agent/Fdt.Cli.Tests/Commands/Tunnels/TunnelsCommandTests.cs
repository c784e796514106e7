using Fdt.Cli.Commands.Tunnels;
using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests.Commands.Tunnels;

/// <summary>
/// <c>fdt tunnels</c> where no server is needed. Listing and stopping against a real server are
/// covered by Fdt.EndToEnd.Tests (LoginEndToEndTests).
/// </summary>
public sealed class TunnelsCommandTests : IDisposable
{
    private readonly TestCli _cli = new();

    [Theory]
    [InlineData("tunnels")]
    [InlineData("tunnels", "list", "--json")]
    [InlineData("tunnels", "stop", "t1")]
    public async Task Run_NoAuthtoken_ExitsWithUsageErrorPointingToLogin(params string[] args)
    {
        var exitCode = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        var error = _cli.Error.ToString();
        Assert.StartsWith("ERROR: No authtoken is set. Run `fdt login`", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.Out.ToString());
    }

    [Theory]
    [InlineData("tunnels")]
    [InlineData("tunnels", "--json")]
    [InlineData("tunnels", "stop", "t1", "t2")]
    public async Task Run_ServerRefusesConnections_ExitsWithServerUnreachable(params string[] args)
    {
        var server = ClosedPort.ServerUrl();
        new CliConfigStore(_cli.ConfigPath).Save(new CliConfig { Server = server.ToString(), Authtoken = "fdt_token_from_the_file" });

        var exitCode = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.ServerUnreachable, exitCode);
        var error = _cli.Error.ToString();
        Assert.StartsWith($"ERROR: Cannot reach the FDT server at {server}", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n'), line => line.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Equal(string.Empty, _cli.Out.ToString());
    }

    [Fact]
    public async Task Run_AuthtokenFlagWithControlCharacter_ExitsWithUsageError()
    {
        var exitCode = await _cli.RunAsync("tunnels", "--authtoken", "tok\u0007en", "--server", ClosedPort.ServerUrl().ToString());

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("cannot be sent", _cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t384c7694beb4e7bd", "/v1/agent/tunnels/t384c7694beb4e7bd/stop")]
    [InlineData("a/b", "/v1/agent/tunnels/a%2Fb/stop")]
    [InlineData("x?y#z", "/v1/agent/tunnels/x%3Fy%23z/stop")]
    [InlineData("é", "/v1/agent/tunnels/%C3%A9/stop")]
    public void StopPath_Id_EscapedAsOneSegment(string id, string expected)
    {
        Assert.Equal(expected, TunnelsCommand.StopPath(id));
    }

    public void Dispose() => _cli.Dispose();
}
