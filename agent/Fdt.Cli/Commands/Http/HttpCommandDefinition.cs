using System.CommandLine;
using System.CommandLine.Parsing;
using Fdt.Agent;
using Fdt.Cli.Output;

namespace Fdt.Cli.Commands.Http;

/// <summary>The syntax of <c>fdt http &lt;target&gt;</c>; <see cref="HttpCommand"/> runs it.</summary>
internal sealed class HttpCommandDefinition : Command
{
    public HttpCommandDefinition()
        : base("http", "Expose a local HTTP service at a public URL of the FDT server.")
    {
        Log.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, LogFormats.Names);
        Subdomain.Validators.Add(static result => RejectBlankOrControl(result, "--subdomain"));
        HostHeader.Validators.Add(static result => RejectBlankOrControl(result, "--host-header"));

        Add(Target);
        Add(Subdomain);
        Add(Server);
        Add(Authtoken);
        Add(HostHeader);
        Scheme.AcceptOnlyFromAmong("http", "https", "both");
        Add(Scheme);
        Add(RedirectHttps);
        BasicAuth.Validators.Add(static result =>
        {
            foreach (var pair in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (pair.IndexOf(':', StringComparison.Ordinal) is <= 0 || pair.EndsWith(':') || pair.Any(char.IsControl))
                {
                    result.AddError("--basic-auth needs user:password, with a user and a password.");
                    return;
                }
            }
        });
        Add(BasicAuth);
        Add(CidrAllow);
        Add(CidrDeny);
        Add(MaxRequestBody);
        Add(Log);
        Add(Insecure);
        Add(Transport);
    }

    public Argument<LocalTarget> Target { get; } = new("target")
    {
        Description = "Where to forward: a port (3000), host:port (192.168.1.5:8080), or a URL (http://localhost:3000, https://localhost:8443).",
        CustomParser = ParseTarget,
    };

    public Option<string> Subdomain { get; } = new("--subdomain", "--name")
    {
        Description = "The name to ask for (the first label of the public host name); random when left out.",
        HelpName = "NAME",
    };

    public Option<string> Server { get; } = CommonOptions.Server();

    public Option<string> Authtoken { get; } = CommonOptions.Authtoken();

    public Option<string> HostHeader { get; } = new("--host-header")
    {
        Description = "The Host header sent to the local service: 'rewrite' uses the target's address, any other value is sent as is [default: the visitor's].",
        HelpName = "rewrite|VALUE",
    };

    public Option<string> Scheme { get; } = new("--scheme")
    {
        Description = "The URLs to serve: http, https (plain HTTP requests are redirected) or both [default: both].",
        HelpName = "http|https|both",
    };

    public Option<bool> RedirectHttps { get; } = new("--redirect-https")
    {
        Description = "Answer plain HTTP requests with a redirect to the tunnel's HTTPS URL.",
    };

    public Option<string[]> BasicAuth { get; } = new("--basic-auth")
    {
        Description = "Require visitors to sign in with this user:password (repeat for several users).",
        HelpName = "USER:PASSWORD",
    };

    public Option<string[]> CidrAllow { get; } = CommonOptions.CidrAllow();

    public Option<string[]> CidrDeny { get; } = CommonOptions.CidrDeny();

    public Option<long?> MaxRequestBody { get; } = new("--max-request-body")
    {
        Description = "Refuse request bodies larger than this many bytes (413).",
        HelpName = "BYTES",
    };

    public Option<string> Log { get; } = CommonOptions.Log();

    public Option<bool> Insecure { get; } = CommonOptions.Insecure();

    public Option<AgentTransport> Transport { get; } = CommonOptions.Transport();

    public HttpCommandInput GetInput(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new HttpCommandInput
        {
            Target = parseResult.GetRequiredValue(Target),
            Subdomain = parseResult.GetValue(Subdomain),
            Server = parseResult.GetValue(Server),
            Authtoken = parseResult.GetValue(Authtoken),
            HostHeader = parseResult.GetValue(HostHeader),
            Scheme = parseResult.GetValue(Scheme),
            RedirectHttps = parseResult.GetValue(RedirectHttps),
            Policy = CommonOptions.Policy(parseResult.GetValue(BasicAuth), parseResult.GetValue(CidrAllow), parseResult.GetValue(CidrDeny), parseResult.GetValue(MaxRequestBody)),
            Log = parseResult.GetValue(Log),
            Insecure = parseResult.GetValue(Insecure),
            Transport = parseResult.GetValue(Transport),
        };
    }

    private static LocalTarget? ParseTarget(ArgumentResult result)
    {
        var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (LocalTarget.TryParse(value, out var target, out var error))
        {
            return target;
        }

        result.AddError(error);
        return null;
    }

    internal static void RejectBlankOrControl(OptionResult result, string name)
    {
        var value = result.GetValueOrDefault<string>();
        if (string.IsNullOrWhiteSpace(value) || value.Any(static c => char.IsControl(c)))
        {
            result.AddError($"{name} needs a non-empty value without control characters.");
        }
    }
}
