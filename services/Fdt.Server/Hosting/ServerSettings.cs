using System.Net;

namespace Fdt.Server.Hosting;

/// <summary>What the command line (or environment) asked the server to be.</summary>
internal sealed record ServerSettings
{
    public required ServerRole Roles { get; init; }

    public required string DataDirectory { get; init; }

    public required int HttpPort { get; init; }

    /// <summary>"localhost" (both loopback addresses), "*" (every interface) or an IP address.</summary>
    public required string ListenAddress { get; init; }

    public required string BaseDomain { get; init; }

    /// <summary>Port shown in public tunnel URLs, when it differs from the port agents connect to.</summary>
    public int? PublicPort { get; init; }

    /// <summary>The development authtoken given explicitly, if any.</summary>
    public string? DevAuthtoken { get; init; }

    /// <summary>Logs as one JSON object per line (timestamp, level, category, event id, message, state, scopes).</summary>
    public bool JsonLogs { get; init; }

    /// <summary>HTTPS port for visitors (0: a free one); null: no HTTPS listener.</summary>
    public int? HttpsPort { get; init; }

    /// <summary>A separate internal port that alone serves <c>/metrics</c> (0: a free one); null: <c>/metrics</c> on the HTTP port.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Public ports for TCP tunnels ("20000-20999"); empty: none.</summary>
    public string TcpPorts { get; init; } = string.Empty;

    /// <summary>The default data directory: the user's local data directory.</summary>
    public static string DefaultDataDirectory()
        => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "fdt");

    /// <summary>Parses a roles list like "edge" or "all".</summary>
    public static bool TryParseRoles(string? value, out ServerRole roles, out string error)
    {
        roles = ServerRole.None;
        error = string.Empty;
        foreach (var part in (value ?? "all").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "all":
                    roles |= ServerRole.All;
                    break;
                case "edge":
                    roles |= ServerRole.Edge;
                    break;
                case "api":
                    roles |= ServerRole.Api;
                    break;
                case "workers":
                    roles |= ServerRole.Workers;
                    break;
                case "console":
                    roles |= ServerRole.Console;
                    break;
                default:
                    error = $"Unknown role '{part}'; available: edge, api, workers, console (or all).";
                    return false;
            }
        }

        if (roles == ServerRole.None)
        {
            error = "No role given.";
            return false;
        }

        // The console renders what the API decides (same checks, same audit) in the same process.
        if (roles.HasFlag(ServerRole.Console) && !roles.HasFlag(ServerRole.Api))
        {
            error = "The console role runs with the api role in the same process: use --roles api,console (or all).";
            return false;
        }

        return true;
    }

    /// <summary>Validates the listen address.</summary>
    public static bool IsValidListenAddress(string value)
        => value is "localhost" or "*" || IPAddress.TryParse(value, out _);
}
