namespace Fdt.Cli.Tests.Commands.Version;

public sealed class VersionCommandTests : IDisposable
{
    private readonly TestCli _cli = new();

    [Fact]
    public async Task Version_Always_PrintsFdtAndTheVersionWithoutCommit()
    {
        var exitCode = await _cli.RunAsync("version");

        Assert.Equal(ExitCodes.Success, exitCode);
        var output = _cli.Out.ToString().TrimEnd();
        Assert.Matches(@"^fdt \d+\.\d+\.\d+[^+\s]*$", output);
        Assert.Equal($"fdt {CliVersion.Current}", output);
    }

    [Fact]
    public async Task VersionOption_Root_PrintsTheSameAsTheVersionCommand()
    {
        var exitCode = await _cli.RunAsync("--version");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal($"fdt {CliVersion.Current}", _cli.Out.ToString().TrimEnd());
    }

    [Theory]
    [InlineData("0.1.0+4f2a9c1d", "0.1.0")]
    [InlineData("1.2.3-beta.1+abc", "1.2.3-beta.1")]
    [InlineData("2.0.0", "2.0.0")]
    public void Strip_InformationalVersion_DropsBuildMetadata(string informational, string expected)
    {
        Assert.Equal(expected, CliVersion.Strip(informational));
    }

    public void Dispose() => _cli.Dispose();
}
