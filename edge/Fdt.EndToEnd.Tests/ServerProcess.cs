using System.Text.RegularExpressions;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>fdt-server running as a process on 127.0.0.1, with its own data directory.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private ServerProcess(TestProcess process, int port, int? httpsPort, string dataDirectory, int metricsPort)
    {
        Process = process;
        Port = port;
        HttpsPort = httpsPort;
        DataDirectory = dataDirectory;
        MetricsPort = metricsPort;
    }

    /// <summary>The port that serves /metrics (the HTTP port unless --metrics-port was given).</summary>
    public int MetricsPort { get; }

    /// <summary>The HTTPS listener's port (null when the server runs without one).</summary>
    public int? HttpsPort { get; }

    public TestProcess Process { get; }

    public int Port { get; }

    public string DataDirectory { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts the server; <paramref name="roles"/> "edge" runs it with a development authtoken.</summary>
    /// <param name="extra">More arguments, e.g. settings as <c>--Section:Key=value</c>.</param>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, string? token, int port = 0, string roles = "edge", IReadOnlyList<string>? extra = null)
    {
        List<string> arguments = [Binaries.Server, "--roles", roles, "--listen", "127.0.0.1", "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--https-port", "0", "--data-dir", dataDirectory];
        if (token is not null)
        {
            arguments.AddRange(["--dev-authtoken", token]);
        }

        arguments.AddRange(extra ?? []);

        var process = TestProcess.Start("dotnet", arguments, new Dictionary<string, string?> { ["FDT_DEV_AUTHTOKEN"] = null });
        var line = await process.WaitForLineAsync(l => l.Contains("Listening on http://127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var actual = int.Parse(PortPattern().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // The banner lists every address before the "Tunnels at" line.
        await process.WaitForLineAsync(l => l.Contains("Tunnels at", StringComparison.Ordinal), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var https = process.Lines.Select(l => HttpsPortPattern().Match(l)).FirstOrDefault(m => m.Success);
        int? httpsPort = https is null ? null : int.Parse(https.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var metrics = process.Lines.Select(l => MetricsPortPattern().Match(l)).First(m => m.Success);
        return new ServerProcess(process, actual, httpsPort, dataDirectory, int.Parse(metrics.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public HttpClient CreateVisitor() => LoopbackHttp.CreateClient(Port);

    /// <summary>Stops the server as a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async Task<int> StopAsync()
    {
        Process.Terminate();
        return await Process.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"Listening on https://127\.0\.0\.1:(\d+)")]
    private static partial Regex HttpsPortPattern();

    [GeneratedRegex(@"Metrics at +http://127\.0\.0\.1:(\d+)/metrics")]
    private static partial Regex MetricsPortPattern();
}
