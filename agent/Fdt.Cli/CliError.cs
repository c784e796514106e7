using Fdt.Agent;
using Fdt.Protocol;

namespace Fdt.Cli;

/// <summary>Why fdt stops with a non-zero exit code, as every output mode reports it.</summary>
/// <param name="ExitCode">The process exit code (see <see cref="ExitCodes"/>).</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Code">The server's error code (ERR_FDT_xxxx), when it gave one.</param>
/// <param name="Hint">What the user can do about it, when there is something to say.</param>
internal sealed record CliError(int ExitCode, string Message, string? Code = null, string? Hint = null)
{
    public const string AuthtokenHint = "Run `fdt login`, or set a valid authtoken with `fdt config add-authtoken <token>` (a server without accounts prints one on its first start), set FDT_AUTHTOKEN, or pass --authtoken.";

    public static CliError FromUsage(UsageException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new CliError(ExitCodes.UsageError, exception.Message, null, exception.Hint);
    }

    public static CliError FromAgent(AgentException exception, Uri server)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new CliError(ExitCodes.FromFailure(exception.Failure), exception.Message, exception.Code, HintFor(exception.Failure, exception.Code, server));
    }

    public static CliError Unexpected(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new CliError(ExitCodes.UnexpectedError, $"{exception.GetType().Name}: {exception.Message}");
    }

    internal static string? HintFor(AgentFailure failure, string? code, Uri server) => failure switch
    {
        AgentFailure.AuthenticationFailed => AuthtokenHint,
        AgentFailure.TunnelRefused => code switch
        {
            ErrorCodes.NameInUse or ErrorCodes.NameLeased or ErrorCodes.NameReserved
                => "Pick another name with --subdomain, or leave it out to get a random one.",
            ErrorCodes.InvalidName
                => "Pick another name with --subdomain (a DNS label of lowercase letters, digits and hyphens), or leave it out to get a random one.",
            ErrorCodes.TooManyTunnels
                => "Stop another tunnel of this account first.",
            _ => null,
        },
        AgentFailure.ServerUnreachable
            => $"Check that the FDT server is running at {server} and reachable; change it with --server or `fdt config set server <url>`.",
        AgentFailure.IncompatibleServer
            => "Use an fdt version that matches the server (see `fdt version`).",
        _ => null,
    };
}
