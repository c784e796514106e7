using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>The fdt agent running as a process with JSON-line output, isolated from the user's config.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private AgentProcess(TestProcess process)
    {
        Process = process;
    }

    public TestProcess Process { get; }

    public static AgentProcess Start(Uri server, string target, string token, params string[] extra)
        => StartCommand("http", server, target, token, extra);

    /// <summary>Runs <c>fdt tls</c>.</summary>
    public static AgentProcess StartTls(Uri server, string target, string token, params string[] extra)
        => StartCommand("tls", server, target, token, extra);

    /// <summary>Runs <c>fdt tcp</c>.</summary>
    public static AgentProcess StartTcp(Uri server, string target, string token, params string[] extra)
        => StartCommand("tcp", server, target, token, extra);

    /// <summary>Runs <c>fdt http</c> with the server and authtoken of the config file <paramref name="configPath"/> (as after <c>fdt login</c>).</summary>
    public static AgentProcess StartWithConfig(string configPath, string target, params string[] extra)
        => StartWithConfig("http", configPath, target, extra);

    private static AgentProcess StartCommand(string command, Uri server, string target, string token, string[] extra)
    {
        var config = Path.Combine(Path.GetTempPath(), $"fdt-e2e-config-{Guid.NewGuid():N}.json");
        return StartWithConfig(command, config, target, ["--server", server.ToString(), "--authtoken", token, .. extra]);
    }

    private static AgentProcess StartWithConfig(string command, string configPath, string target, string[] extra)
    {
        var process = TestProcess.Start(
            "dotnet",
            [Binaries.Agent, command, target, "--log", "json", .. extra],
            new Dictionary<string, string?> { ["FDT_CONFIG"] = configPath, ["FDT_SERVER"] = null, ["FDT_AUTHTOKEN"] = null });
        return new AgentProcess(process);
    }

    /// <summary>Waits for the next JSON event named <paramref name="name"/> (after <paramref name="skip"/> earlier ones).</summary>
    public async Task<JsonElement> WaitForEventAsync(string name, int skip = 0, TimeSpan? timeout = null)
    {
        var seen = 0;
        var line = await Process.WaitForLineAsync(
            l => IsEvent(l, name) && seen++ >= skip,
            timeout ?? TimeSpan.FromSeconds(60),
            TestContext.Current.CancellationToken);
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public async Task<string> WaitForUrlAsync(int skip = 0) => (await WaitForEventAsync("tunnel_started", skip)).GetProperty("url").GetString()!;

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static bool IsEvent(string line, string name)
    {
        if (!line.StartsWith('{'))
        {
            return false;
        }

        using var document = JsonDocument.Parse(line);
        return document.RootElement.TryGetProperty("event", out var value) && value.GetString() == name;
    }
}
