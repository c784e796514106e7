using System.Net.Security;
using Fdt.Agent;
using Fdt.Agent.Inspection.Web;
using Fdt.Cli.Commands.Http;
using Fdt.Cli.Commands.Login;
using Fdt.Cli.Configuration;
using Spectre.Console;

namespace Fdt.Cli;

/// <summary>
/// What commands need from the outside world: output streams, environment, clock, terminal, the
/// agent and the browser. Tests replace any of it; <see cref="CreateDefault"/> is the real process.
/// </summary>
internal sealed class CliContext
{
    private IAnsiConsole? _terminal;

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required ICliEnvironment Environment { get; init; }

    /// <summary>Whether standard output is an interactive terminal (then the default log mode is tui).</summary>
    public bool IsOutputTerminal { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The zone in which times are shown to people (JSON always uses UTC).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Whether Ctrl+C and SIGTERM are turned into cancellation (off in tests).</summary>
    public bool HandleTermination { get; init; }

    public Func<AgentOptions, ITunnelAgent> CreateAgent { get; init; } = static options => new TunnelAgentRunner(new TunnelAgent(options));

    /// <summary>Where the tui draws; created on first use.</summary>
    public Func<IAnsiConsole> CreateTerminal { get; init; } = static () => AnsiConsole.Console;

    public IAnsiConsole Terminal => _terminal ??= CreateTerminal();

    /// <summary>
    /// Where <c>fdt http</c> serves its inspector when --inspect-addr is not given (trying the next
    /// ports when taken); null serves none unless asked (tests, which must not take port 4040).
    /// </summary>
    public InspectorAddress? DefaultInspectAddress { get; init; } = InspectorAddress.Default;

    /// <summary>Opens a URL in the user's browser (<c>fdt login</c>); false when it could not. Tests never launch one.</summary>
    public Func<Uri, bool> OpenBrowser { get; init; } = Browser.TryOpen;

    /// <summary>
    /// Adjusts the TLS settings of the API client (e.g. to trust a private certificate authority).
    /// The only hook into the API's HTTP stack: requests always go to a real server.
    /// </summary>
    public Action<SslClientAuthenticationOptions>? ConfigureTls { get; init; }

    public static CliContext CreateDefault() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Environment = SystemEnvironment.Instance,
        IsOutputTerminal = !Console.IsOutputRedirected,
        HandleTermination = true,
    };
}
