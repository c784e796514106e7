using System.CommandLine;
using Fdt.Cli.Commands;
using Fdt.Cli.Commands.Tunnels;

namespace Fdt.Cli.Tests.Commands.Tunnels;

/// <summary>Parsing <c>fdt tunnels</c>, <c>list</c> and <c>stop</c>: nothing runs, only the parse result is checked.</summary>
public sealed class TunnelsCommandDefinitionTests : IDisposable
{
    private readonly TestCli _cli = new();
    private readonly RootCommand _root;
    private readonly TunnelsCommandDefinition _tunnels;

    public TunnelsCommandDefinitionTests()
    {
        _root = FdtRootCommand.Create(_cli.CreateContext());
        _tunnels = _root.Subcommands.OfType<TunnelsCommandDefinition>().Single();
    }

    [Fact]
    public void Parse_TunnelsAlone_ListsWithDefaults()
    {
        var result = ParseValid("tunnels");

        Assert.Same(_tunnels, result.CommandResult.Command);
        var input = _tunnels.GetInput(result);
        Assert.Null(input.Server);
        Assert.Null(input.Authtoken);
        Assert.False(input.Insecure);
        Assert.False(input.Json);
    }

    [Theory]
    [InlineData("tunnels", "--json")]
    [InlineData("tunnels", "list", "--json")]
    public void Parse_Json_OnTunnelsOrList_Binds(params string[] args)
    {
        var result = ParseValid(args);

        Assert.True(_tunnels.GetInput(result).Json);
    }

    [Fact]
    public void Parse_List_IsTheListSubcommand()
    {
        Assert.Same(_tunnels.List, ParseValid("tunnels", "list").CommandResult.Command);
    }

    [Theory]
    [InlineData("tunnels", "--server", "https://fdt.example.com", "--authtoken", "tok", "--insecure")]
    [InlineData("tunnels", "list", "--server", "https://fdt.example.com", "--authtoken", "tok", "--insecure")]
    [InlineData("tunnels", "stop", "t1", "--server", "https://fdt.example.com", "--authtoken", "tok", "--insecure")]
    [InlineData("tunnels", "--server", "https://fdt.example.com", "stop", "--authtoken", "tok", "t1", "--insecure")]
    public void Parse_ConnectionOptions_AcceptedOnEveryLevel(params string[] args)
    {
        var input = _tunnels.GetInput(ParseValid(args));

        Assert.Equal("https://fdt.example.com", input.Server);
        Assert.Equal("tok", input.Authtoken);
        Assert.True(input.Insecure);
    }

    [Fact]
    public void Parse_StopSeveralIds_BindsThemInOrder()
    {
        var result = ParseValid("tunnels", "stop", "t1", "t-2", "a/b");

        Assert.Same(_tunnels.Stop, result.CommandResult.Command);
        Assert.Equal(["t1", "t-2", "a/b"], result.GetRequiredValue(_tunnels.Ids));
    }

    [Fact]
    public void Parse_StopWithoutId_ReportsError()
    {
        Assert.NotEmpty(_root.Parse(["tunnels", "stop"]).Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("t 1")]
    [InlineData("t1\n")]
    [InlineData("t\u001b[2J")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("-t1")]
    [InlineData("--json")]
    public void Parse_StopInvalidId_ReportsErrorNamingIt(string id)
    {
        var result = _root.Parse(["tunnels", "stop", "t-ok", id]);

        var error = Assert.Single(result.Errors);
        Assert.Contains("is not a tunnel id", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', error.Message);
    }

    [Fact]
    public void Parse_StopTooLongId_ReportsError()
    {
        var result = _root.Parse(["tunnels", "stop", new string('t', TunnelsCommandDefinition.MaxIdLength + 1)]);

        Assert.NotEmpty(result.Errors);
    }

    [Theory]
    [InlineData("tunnels", "stop", "t1", "--json")]
    [InlineData("tunnels", "--region", "eu")]
    [InlineData("tunnels", "start")]
    public void Parse_UnknownOptionOrSubcommand_ReportsError(params string[] args)
    {
        Assert.NotEmpty(_root.Parse(args).Errors);
    }

    [Fact]
    public async Task Invoke_StopWithInvalidId_ReturnsUsageExitCodeWithoutContactingTheServer()
    {
        var exitCode = await _cli.RunAsync("tunnels", "stop", "..", "--authtoken", "tok", "--server", ClosedPort.ServerUrl().ToString());

        Assert.Equal(ExitCodes.UsageError, exitCode);
        var error = _cli.Error.ToString();
        Assert.Contains("'..' is not a tunnel id", error, StringComparison.Ordinal);
        Assert.Contains("fdt tunnels stop --help", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot reach", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Tunnels_ShowsSubcommandsAndOptions()
    {
        var exitCode = await _cli.RunAsync("tunnels", "--help");

        Assert.Equal(ExitCodes.Success, exitCode);
        var help = _cli.Out.ToString();
        Assert.Contains("list", help, StringComparison.Ordinal);
        Assert.Contains("stop <id>", help, StringComparison.Ordinal);
        Assert.Contains("--json", help, StringComparison.Ordinal);
        Assert.Contains("--authtoken <TOKEN>", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Stop_ShowsTheInheritedOptionsButNotJson()
    {
        await _cli.RunAsync("tunnels", "stop", "--help");

        var help = _cli.Out.ToString();
        Assert.Contains("<id>...", help, StringComparison.Ordinal);
        Assert.Contains("--server <URL>", help, StringComparison.Ordinal);
        Assert.DoesNotContain("--json", help, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    private ParseResult ParseValid(params string[] args)
    {
        var result = _root.Parse(args);
        Assert.Empty(result.Errors);
        return result;
    }
}
