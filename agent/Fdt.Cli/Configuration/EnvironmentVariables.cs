namespace Fdt.Cli.Configuration;

/// <summary>The environment variables fdt reads.</summary>
internal static class EnvironmentVariables
{
    /// <summary>The FDT server URL; overrides the config file, overridden by --server.</summary>
    public const string Server = "FDT_SERVER";

    /// <summary>The authtoken; overrides the config file, overridden by --authtoken.</summary>
    public const string Authtoken = "FDT_AUTHTOKEN";

    /// <summary>The config file to use instead of the default one.</summary>
    public const string ConfigPath = "FDT_CONFIG";

    /// <summary>The value of <paramref name="name"/>, or null when it is unset or blank.</summary>
    public static string? GetNonEmpty(this ICliEnvironment environment, string name)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var value = environment.GetVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
