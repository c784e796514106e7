namespace Fdt.Cli.Configuration;

/// <summary>
/// Combines where settings come from. Precedence: flag, then environment (<c>FDT_SERVER</c>,
/// <c>FDT_AUTHTOKEN</c>), then the config file, then the default server <c>http://localhost:8080</c>.
/// </summary>
internal static class SettingsResolver
{
    public const string MissingAuthtokenMessage =
        "No authtoken is set. Run `fdt login`, or set one with `fdt config add-authtoken <token>` (a server without accounts prints one on its first start), or pass --authtoken (or set FDT_AUTHTOKEN).";

    /// <exception cref="UsageException">The authtoken is missing or a server URL is not an absolute http(s) URL.</exception>
    public static CliSettings Resolve(string? serverFlag, string? authtokenFlag, ICliEnvironment environment, CliConfig file, string configPath)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(file);
        var server = ResolveServer(serverFlag, environment, file, configPath);
        var authtoken = NonEmpty(authtokenFlag)
            ?? environment.GetNonEmpty(EnvironmentVariables.Authtoken)
            ?? NonEmpty(file.Authtoken)
            ?? throw new UsageException(MissingAuthtokenMessage);
        return new CliSettings(server, authtoken);
    }

    /// <summary>The server URL alone, for commands that need no authtoken (<c>fdt login</c>, <c>fdt logout</c>).</summary>
    /// <exception cref="UsageException">A server URL is not an absolute http(s) URL.</exception>
    public static Uri ResolveServer(string? flag, ICliEnvironment environment, CliConfig file, string configPath)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(file);
        var (value, source) = NonEmpty(flag) is { } fromFlag ? (fromFlag, "--server")
            : environment.GetNonEmpty(EnvironmentVariables.Server) is { } fromEnvironment ? (fromEnvironment, EnvironmentVariables.Server)
            : NonEmpty(file.Server) is { } fromFile ? (fromFile, $"the server in {configPath}")
            : (null, null);
        if (value is null)
        {
            return ServerUrl.Default;
        }

        if (!ServerUrl.TryParse(value, out var url))
        {
            throw new UsageException(
                $"{source} '{value}' is not an absolute http:// or https:// URL.",
                "Give the server's URL, e.g. https://fdt.example.com or http://localhost:8080.");
        }

        return url;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
