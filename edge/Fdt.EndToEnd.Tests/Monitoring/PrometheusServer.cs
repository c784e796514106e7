using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests.Monitoring;

/// <summary>A real Prometheus on 127.0.0.1 with its own configuration and storage in a temporary directory.</summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly TestProcess _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(TestProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public TestProcess Process => _process;

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) every second as job <c>fdt-edge</c>, evaluating <paramref name="ruleFiles"/>.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, IEnumerable<string> ruleFiles)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"fdt-prometheus-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var rules = string.Join('\n', ruleFiles.Select(f => $"  - {JsonSerializer.Serialize(f)}"));
        var config = $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
            {rules}
            scrape_configs:
              - job_name: fdt-edge
                static_configs:
                  - targets: ["{target}"]
            """;
        var configPath = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config, TestContext.Current.CancellationToken);

        var port = FreePort();
        var process = TestProcess.Start("prometheus", [
            "--config.file=" + configPath,
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ]);
        var server = new PrometheusServer(process, directory, port);
        try
        {
            await Eventually.TrueAsync(server.IsReadyAsync, "Prometheus is ready", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Runs an instant query through the HTTP API; returns the result vector (throws if Prometheus refuses the query).</summary>
    public async Task<JsonElement> QueryAsync(string query)
    {
        using var response = await _http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused '{query}': {body}");
        }

        return json.RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>The loaded rules (GET /api/v1/rules): name → (health, last error).</summary>
    public async Task<Dictionary<string, (string Health, string? Error)>> RulesAsync()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/rules", TestContext.Current.CancellationToken));
        var rules = new Dictionary<string, (string, string?)>(StringComparer.Ordinal);
        foreach (var group in json.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray())
        {
            foreach (var rule in group.GetProperty("rules").EnumerateArray())
            {
                rules[rule.GetProperty("name").GetString()!] = (
                    rule.GetProperty("health").GetString()!,
                    rule.TryGetProperty("lastError", out var error) ? error.GetString() : null);
            }
        }

        return rules;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _process.Terminate();
        try
        {
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
        }

        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException("Prometheus exited: " + _process.Output);
        }

        try
        {
            using var response = await _http.GetAsync("/-/ready", TestContext.Current.CancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
