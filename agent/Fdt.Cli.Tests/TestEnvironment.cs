using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests;

/// <summary>An environment for one test: variables from a dictionary, never the process's own.</summary>
internal sealed class TestEnvironment(string applicationDataDirectory) : ICliEnvironment
{
    private readonly Dictionary<string, string?> _variables = new(StringComparer.Ordinal);

    public string ApplicationDataDirectory => applicationDataDirectory;

    public string? GetVariable(string name) => _variables.GetValueOrDefault(name);

    public TestEnvironment Set(string name, string? value)
    {
        _variables[name] = value;
        return this;
    }
}
