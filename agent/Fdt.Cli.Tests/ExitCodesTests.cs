using Fdt.Agent;
using Fdt.Cli.Commands;

namespace Fdt.Cli.Tests;

public sealed class ExitCodesTests
{
    [Theory]
    [InlineData(AgentFailure.AuthenticationFailed, 3)]
    [InlineData(AgentFailure.TunnelRefused, 4)]
    [InlineData(AgentFailure.ServerUnreachable, 5)]
    [InlineData(AgentFailure.TunnelStopped, 6)]
    [InlineData(AgentFailure.IncompatibleServer, 7)]
    public void FromFailure_Failure_MapsToDocumentedCode(AgentFailure failure, int expected)
    {
        Assert.Equal(expected, ExitCodes.FromFailure(failure));
    }

    [Fact]
    public void FromFailure_EveryFailure_HasItsOwnCodeAboveUsageError()
    {
        var codes = Enum.GetValues<AgentFailure>().Select(ExitCodes.FromFailure).ToList();

        Assert.All(codes, code => Assert.True(code > ExitCodes.UsageError, $"{code} is not a failure code"));
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Fact]
    public void RootDescription_ListsEveryExitCode()
    {
        using var cli = new TestCli();
        var description = FdtRootCommand.Create(cli.CreateContext()).Description;

        for (var code = 0; code <= 7; code++)
        {
            Assert.Contains($"\n  {code}  ", description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_Root_ShowsExitCodes()
    {
        using var cli = new TestCli();

        var exitCode = await cli.RunAsync("--help");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("Exit codes:", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("7  incompatible server", cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Root_ListsTheAccountCommands()
    {
        using var cli = new TestCli();

        await cli.RunAsync("--help");

        var help = cli.Out.ToString();
        Assert.Contains("\n  login ", help, StringComparison.Ordinal);
        Assert.Contains("\n  logout ", help, StringComparison.Ordinal);
        Assert.Contains("\n  tunnels ", help, StringComparison.Ordinal);
    }
}
