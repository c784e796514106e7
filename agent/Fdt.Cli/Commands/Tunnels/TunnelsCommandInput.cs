namespace Fdt.Cli.Commands.Tunnels;

/// <summary>What the user asked <c>fdt tunnels</c> for, as parsed from the command line.</summary>
internal sealed record TunnelsCommandInput
{
    /// <summary>--server, when given.</summary>
    public string? Server { get; init; }

    /// <summary>--authtoken, when given.</summary>
    public string? Authtoken { get; init; }

    /// <summary>--insecure: accept any TLS certificate from the server.</summary>
    public bool Insecure { get; init; }

    /// <summary>--json: print the list as the server returns it.</summary>
    public bool Json { get; init; }
}
