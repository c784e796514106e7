namespace Fdt.Cli.Commands.Logout;

/// <summary>What the user asked <c>fdt logout</c> for, as parsed from the command line.</summary>
internal sealed record LogoutCommandInput
{
    /// <summary>--server, when given.</summary>
    public string? Server { get; init; }

    /// <summary>--insecure: accept any TLS certificate from the server.</summary>
    public bool Insecure { get; init; }
}
