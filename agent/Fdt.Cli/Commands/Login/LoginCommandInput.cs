namespace Fdt.Cli.Commands.Login;

/// <summary>What the user asked <c>fdt login</c> for, as parsed from the command line.</summary>
internal sealed record LoginCommandInput
{
    /// <summary>--server, when given.</summary>
    public string? Server { get; init; }

    /// <summary>--no-browser: only print the URL and code.</summary>
    public bool NoBrowser { get; init; }

    /// <summary>--insecure: accept any TLS certificate from the server.</summary>
    public bool Insecure { get; init; }
}
