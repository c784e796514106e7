using System.CommandLine;
using Fdt.Cli.Commands;
using Fdt.Cli.Commands.Login;

namespace Fdt.Cli.Tests.Commands.Login;

/// <summary>Parsing <c>fdt login</c>: nothing runs, only the parse result is checked.</summary>
public sealed class LoginCommandDefinitionTests : IDisposable
{
    private readonly TestCli _cli = new();
    private readonly RootCommand _root;
    private readonly LoginCommandDefinition _login;

    public LoginCommandDefinitionTests()
    {
        _root = FdtRootCommand.Create(_cli.CreateContext());
        _login = _root.Subcommands.OfType<LoginCommandDefinition>().Single();
    }

    [Fact]
    public void Parse_EveryOption_BindsItsValue()
    {
        var input = ParseValid("login", "--server", "https://fdt.example.com", "--no-browser", "--insecure");

        Assert.Equal("https://fdt.example.com", input.Server);
        Assert.True(input.NoBrowser);
        Assert.True(input.Insecure);
    }

    [Fact]
    public void Parse_NoOptions_LeavesEveryOptionUnset()
    {
        var input = ParseValid("login");

        Assert.Null(input.Server);
        Assert.False(input.NoBrowser);
        Assert.False(input.Insecure);
    }

    [Theory]
    [InlineData("login", "--authtoken", "tok")]
    [InlineData("login", "extra")]
    [InlineData("login", "--server")]
    public void Parse_UnknownOptionOrArgument_ReportsError(params string[] args)
    {
        var result = _root.Parse(args);

        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public async Task Invoke_ParseError_ReturnsUsageExitCodeWithTheCommandsHelpPointer()
    {
        var exitCode = await _cli.RunAsync("login", "--region", "eu");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("fdt login --help", _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_cli.OpenedUrls);
    }

    [Fact]
    public async Task Help_Login_ShowsEveryOption()
    {
        var exitCode = await _cli.RunAsync("login", "--help");

        Assert.Equal(ExitCodes.Success, exitCode);
        var help = _cli.Out.ToString();
        Assert.Contains("--server <URL>", help, StringComparison.Ordinal);
        Assert.Contains("--no-browser", help, StringComparison.Ordinal);
        Assert.Contains("--insecure", help, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    private LoginCommandInput ParseValid(params string[] args)
    {
        var result = _root.Parse(args);
        Assert.Empty(result.Errors);
        Assert.Same(_login, result.CommandResult.Command);
        return _login.GetInput(result);
    }
}
