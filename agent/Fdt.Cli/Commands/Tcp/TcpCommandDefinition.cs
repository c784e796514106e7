using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Fdt.Agent;
using Fdt.Cli.Commands.Http;
using Fdt.Cli.Output;
using Fdt.Protocol;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands.Tcp;

/// <summary>
/// The syntax of <c>fdt tcp &lt;target&gt;</c>: a TCP tunnel on a public port of the server. It runs
/// like <c>fdt http</c> (<see cref="HttpCommand"/>) with the tcp protocol.
/// </summary>
internal sealed class TcpCommandDefinition : Command
{
    public TcpCommandDefinition()
        : base("tcp", "Expose a local TCP service (SSH, a database, a game server) at a public port of the FDT server.")
    {
        Log.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, LogFormats.Names);
        Add(Target);
        Add(RemoteAddress);
        Add(Server);
        Add(Authtoken);
        Add(Log);
        Add(Insecure);
        Add(Transport);
    }

    public Argument<LocalTarget> Target { get; } = new("target")
    {
        Description = "Where to forward: a port (5432) or host:port (192.168.1.5:22).",
        CustomParser = ParseTarget,
    };

    public Option<int?> RemoteAddress { get; } = new("--remote-addr")
    {
        Description = "The public address to bind, HOST:PORT or PORT (a port of the server's TCP range, e.g. one your team reserved); any free port when left out.",
        HelpName = "HOST:PORT",
        CustomParser = ParseRemoteAddress,
    };

    public Option<string> Server { get; } = CommonOptions.Server();

    public Option<string> Authtoken { get; } = CommonOptions.Authtoken();

    public Option<string> Log { get; } = CommonOptions.Log();

    public Option<bool> Insecure { get; } = CommonOptions.Insecure();

    public Option<AgentTransport> Transport { get; } = CommonOptions.Transport();

    public HttpCommandInput GetInput(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var port = parseResult.GetValue(RemoteAddress);
        return new HttpCommandInput
        {
            Protocol = TunnelProtocol.Tcp,
            Target = parseResult.GetRequiredValue(Target),
            Subdomain = port is null ? null : TunnelNames.ForTcpPort(port.Value),
            Server = parseResult.GetValue(Server),
            Authtoken = parseResult.GetValue(Authtoken),
            Log = parseResult.GetValue(Log),
            Insecure = parseResult.GetValue(Insecure),
            Transport = parseResult.GetValue(Transport),
        };
    }

    private static LocalTarget? ParseTarget(ArgumentResult result)
    {
        var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (value is not null && value.Contains("://", StringComparison.Ordinal))
        {
            result.AddError($"fdt tcp forwards raw TCP: give a port or host:port, not a URL ('{value}').");
            return null;
        }

        if (LocalTarget.TryParse(value, out var target, out var error))
        {
            return target;
        }

        result.AddError(error);
        return null;
    }

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
