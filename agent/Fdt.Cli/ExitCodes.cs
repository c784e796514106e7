using Fdt.Agent;

namespace Fdt.Cli;

/// <summary>The process exit codes of <c>fdt</c>; the only place that maps failures to numbers.</summary>
internal static class ExitCodes
{
    /// <summary>Clean exit, including Ctrl+C and SIGTERM.</summary>
    public const int Success = 0;

    /// <summary>Something went wrong that fdt did not expect.</summary>
    public const int UnexpectedError = 1;

    /// <summary>Bad arguments, missing authtoken, bad config file; also a tunnel id the team does not have, or a command that needs accounts on a server without them.</summary>
    public const int UsageError = 2;

    /// <summary>The server refused the authtoken, or a login was denied or expired.</summary>
    public const int AuthenticationFailed = 3;

    /// <summary>The server refused the tunnel (name taken, invalid or reserved, limits).</summary>
    public const int TunnelRefused = 4;

    /// <summary>The server could not be reached.</summary>
    public const int ServerUnreachable = 5;

    /// <summary>The server stopped the tunnel.</summary>
    public const int TunnelStopped = 6;

    /// <summary>The server speaks an incompatible protocol version.</summary>
    public const int IncompatibleServer = 7;

    /// <summary>The exit codes as the root command's help shows them.</summary>
    public const string HelpText =
        """
        Exit codes:
          0  clean exit (Ctrl+C, SIGTERM)
          1  unexpected error
          2  usage error (bad arguments, missing authtoken, bad config, unknown tunnel id, server without accounts)
          3  authentication failed (authtoken refused, login denied or expired)
          4  tunnel refused (name in use, invalid or reserved, limits)
          5  server unreachable
          6  tunnel stopped by the server
          7  incompatible server
        """;

    public static int FromFailure(AgentFailure failure) => failure switch
    {
        AgentFailure.AuthenticationFailed => AuthenticationFailed,
        AgentFailure.TunnelRefused => TunnelRefused,
        AgentFailure.ServerUnreachable => ServerUnreachable,
        AgentFailure.TunnelStopped => TunnelStopped,
        AgentFailure.IncompatibleServer => IncompatibleServer,
        _ => UnexpectedError,
    };
}
