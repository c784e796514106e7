using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Fdt.Protocol;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands.Tcp;

/// <summary>The syntax of <c>fdt tcp &lt;target&gt;</c>: a TCP tunnel on a public port of the server.</summary>
internal sealed class TcpCommandDefinition : RawTunnelCommandDefinition
{
    public TcpCommandDefinition()
        : base("tcp", "Expose a local TCP service (SSH, a database, a game server) at a public port of the FDT server.", TunnelProtocol.Tcp, "Where to forward: a port (5432) or host:port (192.168.1.5:22).")
    {
        Add(RemoteAddress);
        AddCommonOptions();
    }

    public Option<int?> RemoteAddress { get; } = new("--remote-addr")
    {
        Description = "The public address to bind, HOST:PORT or PORT (a port of the server's TCP range, e.g. one your team reserved); any free port when left out.",
        HelpName = "HOST:PORT",
        CustomParser = ParseRemoteAddress,
    };

    protected override string? RequestedName(ParseResult parseResult)
        => parseResult.GetValue(RemoteAddress) is { } port ? TunnelNames.ForTcpPort(port) : null;

    private static int? ParseRemoteAddress(ArgumentResult result)
    {
        var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        var portText = value.LastIndexOf(':') is var colon and >= 0 ? value[(colon + 1)..] : value;
        if (int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            return port;
        }

        result.AddError($"--remote-addr needs HOST:PORT or PORT with a port from 1 to 65535, not '{value}'.");
        return null;
    }
}
