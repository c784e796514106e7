using System.CommandLine;
using Fdt.Cli.Commands;
using Fdt.Cli.Commands.Logout;
using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests.Commands.Logout;

/// <summary>Parsing <c>fdt logout</c>: nothing runs, only the parse result is checked.</summary>
public sealed class LogoutCommandDefinitionTests : IDisposable
{
    private readonly TestCli _cli = new();
    private readonly RootCommand _root;
    private readonly LogoutCommandDefinition _logout;

    public LogoutCommandDefinitionTests()
    {
        _root = FdtRootCommand.Create(_cli.CreateContext());
        _logout = _root.Subcommands.OfType<LogoutCommandDefinition>().Single();
    }

    [Fact]
    public void Parse_EveryOption_BindsItsValue()
    {
        var result = _root.Parse(["logout", "--server", "https://fdt.example.com", "--insecure"]);

        Assert.Empty(result.Errors);
        Assert.Same(_logout, result.CommandResult.Command);
        var input = _logout.GetInput(result);
        Assert.Equal("https://fdt.example.com", input.Server);
        Assert.True(input.Insecure);
    }

    [Fact]
    public void Parse_NoOptions_LeavesEveryOptionUnset()
    {
        var input = _logout.GetInput(_root.Parse(["logout"]));

        Assert.Null(input.Server);
        Assert.False(input.Insecure);
    }

    [Theory]
    [InlineData("logout", "--authtoken", "tok")]
    [InlineData("logout", "--no-browser")]
    [InlineData("logout", "extra")]
    public void Parse_UnknownOptionOrArgument_ReportsError(params string[] args)
    {
        Assert.NotEmpty(_root.Parse(args).Errors);
    }

    [Fact]
    public async Task Invoke_ParseError_ReturnsUsageExitCodeAndKeepsTheAuthtoken()
    {
        new CliConfigStore(_cli.ConfigPath).Save(new() { Authtoken = "fdt_keep_me" });

        var exitCode = await _cli.RunAsync("logout", "--bogus");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("fdt logout --help", _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal("fdt_keep_me", new CliConfigStore(_cli.ConfigPath).Load().Authtoken);
    }

    public void Dispose() => _cli.Dispose();
}
