using System.Text.Json;
using System.Text.RegularExpressions;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>
/// One person's fdt: the built binary with its own config file (<c>FDT_CONFIG</c>), without
/// <c>FDT_SERVER</c>/<c>FDT_AUTHTOKEN</c> from the test's environment, and without a display, so
/// that <c>fdt login</c> never opens a browser.
/// </summary>
internal sealed partial class FdtUser : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-user-{Guid.NewGuid():N}");

    /// <summary>The config file this user's fdt reads and writes.</summary>
    public string ConfigPath => Path.Combine(_directory, "config.json");

    /// <summary>Starts <c>fdt</c> with <paramref name="arguments"/>.</summary>
    public TestProcess Start(params string[] arguments) => TestProcess.Start(
        "dotnet",
        [Binaries.Agent, .. arguments],
        new Dictionary<string, string?>
        {
            ["FDT_CONFIG"] = ConfigPath,
            ["FDT_SERVER"] = null,
            ["FDT_AUTHTOKEN"] = null,
            ["DISPLAY"] = null,
            ["WAYLAND_DISPLAY"] = null,
        });

    /// <summary>Runs <c>fdt</c> with <paramref name="arguments"/> to its end.</summary>
    public async Task<CliRun> RunAsync(params string[] arguments)
    {
        await using var process = Start(arguments);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return new CliRun(exitCode, string.Join('\n', process.Lines), process.StandardError);
    }

    /// <summary>The config file's string properties ("server", "authtoken"); empty when there is no file.</summary>
    public Dictionary<string, string?> ReadConfig()
    {
        if (!File.Exists(ConfigPath))
        {
            return [];
        }

        using var document = JsonDocument.Parse(File.ReadAllText(ConfigPath));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
    }

    /// <summary>Waits for <c>fdt login</c> to show the code to enter, and returns it.</summary>
    public static async Task<string> WaitForUserCodeAsync(TestProcess login)
    {
        var line = await login.WaitForLineAsync(l => UserCodeLine().IsMatch(l), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return UserCodeLine().Match(line).Groups[1].Value;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [GeneratedRegex(@"^To sign in, open \S+ and enter the code (\S+)$")]
    private static partial Regex UserCodeLine();
}
