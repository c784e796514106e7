namespace Fdt.Cli.Configuration;

/// <summary>The real process environment.</summary>
internal sealed class SystemEnvironment : ICliEnvironment
{
    public static SystemEnvironment Instance { get; } = new();

    private SystemEnvironment()
    {
    }

    public string ApplicationDataDirectory => Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify);

    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);
}
