using System.Reflection;

namespace Fdt.Cli;

/// <summary>fdt's own version, as <c>fdt version</c> prints it and the agent reports it to the server.</summary>
internal static class CliVersion
{
    /// <summary>The informational version without the "+commit" build metadata, e.g. "0.1.0".</summary>
    public static string Current { get; } = Strip(
        typeof(CliVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CliVersion).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0");

    internal static string Strip(string informationalVersion)
    {
        ArgumentNullException.ThrowIfNull(informationalVersion);
        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informationalVersion : informationalVersion[..plus];
    }
}
