using System.CommandLine;
using Fdt.Cli.Commands.Http;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands.Tcp;

/// <summary>
/// The syntax of <c>fdt tls &lt;target&gt;</c>: TLS passed through unterminated, routed by the
/// server name visitors ask for; the local service presents its own certificate.
/// </summary>
internal sealed class TlsCommandDefinition : RawTunnelCommandDefinition
{
    public TlsCommandDefinition()
        : base("tls", "Expose a local service that terminates TLS itself at tls://NAME.<domain> of the FDT server; the server passes TLS through untouched.", TunnelProtocol.Tls, "Where to forward: the port (8443) or host:port of a service that speaks TLS.")
    {
        Subdomain.Validators.Add(static result => HttpCommandDefinition.RejectBlankOrControl(result, "--subdomain"));
        Add(Subdomain);
        AddCommonOptions();
    }

    public Option<string> Subdomain { get; } = new("--subdomain", "--name")
    {
        Description = "The name to ask for (the first label of the host name visitors connect to); random when left out.",
        HelpName = "NAME",
    };

    protected override string? RequestedName(ParseResult parseResult) => parseResult.GetValue(Subdomain);
}
