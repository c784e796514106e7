using System.CommandLine;
using Fdt.Agent;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands;

/// <summary>The options several commands share, so that they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Server() => new("--server")
    {
        Description = "The FDT server's URL [default: $FDT_SERVER, the config file, or http://localhost:8080].",
        HelpName = "URL",
    };

    public static Option<string> Authtoken() => new("--authtoken")
    {
        Description = "The authtoken [default: $FDT_AUTHTOKEN, or the config file's (fdt login, fdt config add-authtoken)].",
        HelpName = "TOKEN",
    };

    public static Option<bool> Insecure() => new("--insecure")
    {
        Description = "Accept any TLS certificate from the server (self-signed development servers only).",
    };

    public static Option<string[]> CidrAllow() => new("--cidr-allow")
    {
        Description = "Admit only visitors from these addresses (CIDR such as 203.0.113.0/24 or 2001:db8::/32; repeat or separate with commas).",
        HelpName = "CIDR",
    };

    public static Option<string[]> CidrDeny() => new("--cidr-deny")
    {
        Description = "Refuse visitors from these addresses (CIDR; repeat or separate with commas); checked before --cidr-allow.",
        HelpName = "CIDR",
    };

    /// <summary>The policy of the options given; null when none was.</summary>
    public static TunnelPolicyRequest? Policy(string[]? basicAuth, string[]? cidrAllow, string[]? cidrDeny, long? maxRequestBody)
    {
        static string[]? List(string[]? values) => values is null or { Length: 0 } ? null : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        var policy = new TunnelPolicyRequest { BasicAuth = basicAuth is { Length: > 0 } ? basicAuth : null, CidrAllow = List(cidrAllow), CidrDeny = List(cidrDeny), MaxRequestBodyBytes = maxRequestBody };
        return policy.BasicAuth is null && policy.CidrAllow is null && policy.CidrDeny is null && maxRequestBody is null ? null : policy;
    }

    /// <summary>--log of the tunnel commands; valid values are checked by the command.</summary>
    public static Option<string> Log() => new("--log")
    {
        Description = "Output: tui (live view), text (a line per event), json (a JSON object per line) or none [default: tui on a terminal, else text].",
        HelpName = "tui|text|json|none",
    };

    public static Option<AgentTransport> Transport() => new("--transport")
    {
        Description = "How to reach the server: auto (an HTTP upgrade, falling back to WebSocket), upgrade or websocket [default: auto].",
        HelpName = "auto|upgrade|websocket",
        DefaultValueFactory = static _ => AgentTransport.Auto,
    };
}
