using System.CommandLine;
using Fdt.Agent;

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
