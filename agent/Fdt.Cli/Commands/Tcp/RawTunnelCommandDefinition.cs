using System.CommandLine;
using System.CommandLine.Parsing;
using Fdt.Agent;
using Fdt.Cli.Commands.Http;
using Fdt.Cli.Output;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands.Tcp;

/// <summary>
/// What <c>fdt tcp</c> and <c>fdt tls</c> share: a local TCP target (the agent forwards bytes,
/// never speaks HTTP or TLS itself) and the options of every tunnel command. They run like
/// <c>fdt http</c> (<see cref="HttpCommand"/>) with their own protocol.
/// </summary>
internal abstract class RawTunnelCommandDefinition : Command
{
    private readonly TunnelProtocol _protocol;

    protected RawTunnelCommandDefinition(string name, string description, TunnelProtocol protocol, string targetDescription)
        : base(name, description)
    {
        _protocol = protocol;
        Target = new Argument<LocalTarget>("target") { Description = targetDescription, CustomParser = ParseTarget };
        Log.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, LogFormats.Names);
        Add(Target);
    }

    public Argument<LocalTarget> Target { get; }

    public Option<string> Server { get; } = CommonOptions.Server();

    public Option<string> Authtoken { get; } = CommonOptions.Authtoken();

    public Option<string> Log { get; } = CommonOptions.Log();

    public Option<bool> Insecure { get; } = CommonOptions.Insecure();

    public Option<AgentTransport> Transport { get; } = CommonOptions.Transport();

    public Option<string[]> CidrAllow { get; } = CommonOptions.CidrAllow();

    public Option<string[]> CidrDeny { get; } = CommonOptions.CidrDeny();

    public HttpCommandInput GetInput(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new HttpCommandInput
        {
            Protocol = _protocol,
            Target = parseResult.GetRequiredValue(Target),
            Subdomain = RequestedName(parseResult),
            Server = parseResult.GetValue(Server),
            Authtoken = parseResult.GetValue(Authtoken),
            Log = parseResult.GetValue(Log),
            Insecure = parseResult.GetValue(Insecure),
            Transport = parseResult.GetValue(Transport),
            Policy = CommonOptions.NullIfEmpty(new TunnelPolicyRequest { CidrAllow = CommonOptions.List(parseResult.GetValue(CidrAllow)), CidrDeny = CommonOptions.List(parseResult.GetValue(CidrDeny)) }),
        };
    }

    /// <summary>Adds the options every tunnel command has, after the command's own.</summary>
    protected void AddCommonOptions()
    {
        Add(CidrAllow);
        Add(CidrDeny);
        Add(Server);
        Add(Authtoken);
        Add(Log);
        Add(Insecure);
        Add(Transport);
    }

    /// <summary>The name to ask the server for; null for any.</summary>
    protected abstract string? RequestedName(ParseResult parseResult);

    private LocalTarget? ParseTarget(ArgumentResult result)
    {
        var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (value is not null && value.Contains("://", StringComparison.Ordinal))
        {
            result.AddError($"fdt {Name} forwards raw bytes: give a port or host:port, not a URL ('{value}').");
            return null;
        }

        if (LocalTarget.TryParse(value, out var target, out var error))
        {
            return target;
        }

        result.AddError(error);
        return null;
    }
}
