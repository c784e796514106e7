using Fdt.Agent;
using Fdt.Protocol;

namespace Fdt.Cli.Tests;

public sealed class CliErrorTests
{
    private static readonly Uri Server = new("https://fdt.example.com");

    [Fact]
    public void FromAgent_AuthenticationFailed_HintsLoginThenHowToSetAToken()
    {
        var error = CliError.FromAgent(new AgentException(AgentFailure.AuthenticationFailed, ErrorCodes.AuthenticationFailed, "bad token"), Server);

        Assert.Equal(ExitCodes.AuthenticationFailed, error.ExitCode);
        Assert.Equal(ErrorCodes.AuthenticationFailed, error.Code);
        Assert.Equal("bad token", error.Message);
        Assert.StartsWith("Run `fdt login`", error.Hint, StringComparison.Ordinal);
        Assert.Contains("fdt config add-authtoken", error.Hint, StringComparison.Ordinal);
        Assert.Contains("--authtoken", error.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ErrorCodes.NameInUse)]
    [InlineData(ErrorCodes.NameLeased)]
    [InlineData(ErrorCodes.NameReserved)]
    public void FromAgent_NameTaken_HintsAnotherSubdomain(string code)
    {
        var error = CliError.FromAgent(new AgentException(AgentFailure.TunnelRefused, code, "taken"), Server);

        Assert.Equal(ExitCodes.TunnelRefused, error.ExitCode);
        Assert.Contains("--subdomain", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void FromAgent_ServerUnreachable_HintsServerSettingAndThatItRuns()
    {
        var error = CliError.FromAgent(new AgentException(AgentFailure.ServerUnreachable, null, "connection refused"), Server);

        Assert.Equal(ExitCodes.ServerUnreachable, error.ExitCode);
        Assert.Contains("--server", error.Hint, StringComparison.Ordinal);
        Assert.Contains("fdt config set server", error.Hint, StringComparison.Ordinal);
        Assert.Contains("running at https://fdt.example.com/", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void FromUsage_Exception_ExitCodeTwoWithItsHint()
    {
        var error = CliError.FromUsage(new UsageException("bad", "do this"));

        Assert.Equal(new CliError(ExitCodes.UsageError, "bad", null, "do this"), error);
    }
}
