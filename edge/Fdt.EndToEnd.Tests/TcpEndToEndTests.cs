using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary><c>fdt tcp</c> with the built binaries: a real PostgreSQL reached with psql through the tunnel.</summary>
public sealed partial class TcpEndToEndTests : IAsyncLifetime
{
    private const string Token = "fdt_e2e_token_0123456789";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-tcp-{Guid.NewGuid():N}");
    private PostgresServer _postgres = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _postgres = await PostgresServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Psql_ThroughATcpTunnel_QueriesTheDatabase()
    {
        var tcpPort = FreePort();
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token, extra: ["--tcp-ports", $"{tcpPort}-{tcpPort}"]);
        var postgresPort = PortPattern().Match(_postgres.AdminConnectionString).Groups[1].Value;
        await using var agent = AgentProcess.StartTcp(server.Url, postgresPort, Token, "--remote-addr", $"localhost:{tcpPort}");

        var url = await agent.WaitForUrlAsync();
        Assert.Equal($"tcp://localhost:{tcpPort}", url);

        var query = await RunAsync("psql", "-h", "127.0.0.1", "-p", tcpPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres", "-At", "-c", "select 6 * 7, current_user");
        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.Equal("42|postgres", query.Output);

        // Once the agent stops, the port stops listening: psql is refused at once.
        agent.Process.Interrupt();
        Assert.Equal(0, await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct));
        var refused = await RunAsync("psql", "-h", "127.0.0.1", "-p", tcpPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres", "-c", "select 1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Connection refused", refused.Error, StringComparison.Ordinal);
    }

    private static async Task<CliRun> RunAsync(string fileName, params string[] arguments)
    {
        await using var process = TestProcess.Start(fileName, arguments, new Dictionary<string, string?> { ["PGCONNECT_TIMEOUT"] = "10" });
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
        return new CliRun(exitCode, string.Join('\n', process.Lines), process.StandardError);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Port=(\d+)")]
    private static partial Regex PortPattern();
}
