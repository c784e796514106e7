using System.CommandLine;

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
}
