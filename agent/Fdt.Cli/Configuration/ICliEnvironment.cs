namespace Fdt.Cli.Configuration;

/// <summary>The process environment as fdt reads it; tests pass their own instead of changing the real one.</summary>
internal interface ICliEnvironment
{
    /// <summary>The value of an environment variable, or null when it is not set.</summary>
    string? GetVariable(string name);

    /// <summary>The per-user application data folder (<c>$XDG_CONFIG_HOME</c> or <c>~/.config</c> on Linux).</summary>
    string ApplicationDataDirectory { get; }
}
