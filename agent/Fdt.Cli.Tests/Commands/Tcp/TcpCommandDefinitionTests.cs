using System.CommandLine;
using Fdt.Agent;
using Fdt.Cli.Commands;
using Fdt.Cli.Commands.Http;
using Fdt.Cli.Commands.Tcp;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Tests.Commands.Tcp;

/// <summary>Parsing <c>fdt tcp</c>: nothing runs, only the parse result is checked.</summary>
public sealed class TcpCommandDefinitionTests : IDisposable
{
    private readonly TestCli _cli = new();
    private readonly RootCommand _root;
    private readonly TcpCommandDefinition _tcp;

    public TcpCommandDefinitionTests()
    {
        _root = FdtRootCommand.Create(_cli.CreateContext());
        _tcp = _root.Subcommands.OfType<TcpCommandDefinition>().Single();
    }

    [Theory]
    [InlineData("5432", "localhost", 5432)]
    [InlineData("192.168.1.5:22", "192.168.1.5", 22)]
    public void Parse_Target_IsATcpTunnelWithARandomPort(string target, string host, int port)
    {
        var input = ParseValid("tcp", target);

        Assert.Equal(TunnelProtocol.Tcp, input.Protocol);
        Assert.Equal(new LocalTarget(host, port), input.Target);
        Assert.Null(input.Subdomain);
    }

    [Theory]
    [InlineData("tunnels.example.com:20022")]
    [InlineData("20022")]
    public void Parse_RemoteAddress_AsksForThatPortsName(string remote)
    {
        var input = ParseValid("tcp", "22", "--remote-addr", remote);

        Assert.Equal("tcp-20022", input.Subdomain);
    }

    [Theory]
    [InlineData("tcp", "http://localhost:5432")]
    [InlineData("tcp", "abc")]
    [InlineData("tcp", "22", "--remote-addr", "example.com")]
    [InlineData("tcp", "22", "--remote-addr", "example.com:70000")]
    [InlineData("tcp", "22", "--remote-addr", "example.com:0")]
    public void Parse_BadInput_IsAUsageError(params string[] args)
    {
        var result = _root.Parse(args);

        Assert.NotEmpty(result.Errors);
    }

    public void Dispose() => _cli.Dispose();

    private HttpCommandInput ParseValid(params string[] args)
    {
        var result = _root.Parse(args);
        Assert.Empty(result.Errors);
        Assert.Same(_tcp, result.CommandResult.Command);
        return _tcp.GetInput(result);
    }
}
