using System.Globalization;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>
/// The HTTPS listener with the built binaries: certificates from the server's development CA,
/// verified by curl and openssl against the CA that <c>fdt-server ca export</c> hands out.
/// </summary>
public sealed class HttpsEndToEndTests : IAsyncLifetime
{
    private const string Token = "fdt_e2e_token_0123456789";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-https-{Guid.NewGuid():N}");
    private OriginServer _origin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _origin = await OriginServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _origin.DisposeAsync();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task HttpsUrl_ServesTheTunnelWithAChainTheExportedCaVerifies()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        var httpsPort = server.HttpsPort ?? throw new InvalidOperationException("The server printed no HTTPS address.\n" + server.Process.Output);
        await using var agent = AgentProcess.Start(server.Url, _origin.Address, Token);
        var started = await agent.WaitForEventAsync("tunnel_started");
        var https = started.GetProperty("urls").EnumerateArray().Select(u => u.GetString()!).Single(u => u.StartsWith("https://", StringComparison.Ordinal));
        var host = new Uri(https).Host;
        Assert.Equal($"https://{host}:{httpsPort}", https);

        var caFile = Path.Combine(_dataDirectory, "exported-ca.pem");
        var export = await RunAsync("dotnet", Binaries.Server, "ca", "export", "--data-dir", _dataDirectory, "--out", caFile);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(caFile, Ct), StringComparison.Ordinal);
        var resolve = $"{host}:{httpsPort.ToString(CultureInfo.InvariantCulture)}:127.0.0.1";

        // Verified against the exported CA, over HTTP/2 chosen by ALPN.
        var trusted = await RunAsync("curl", "-sS", "--cacert", caFile, "--resolve", resolve, "-w", "\n%{http_version}", https + "/hello");
        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        Assert.Equal("hello from origin\n2", trusted.Output);

        // Without the CA, curl refuses the certificate (exit 60): the check above is a real one.
        var untrusted = await RunAsync("curl", "-sS", "--resolve", resolve, https + "/hello");
        Assert.Equal(60, untrusted.ExitCode);

        var handshake = await RunAsync("openssl", "s_client", "-connect", $"127.0.0.1:{httpsPort.ToString(CultureInfo.InvariantCulture)}", "-servername", host, "-CAfile", caFile, "-verify_hostname", host, "-verify_return_error", "-brief");
        Assert.True(handshake.ExitCode == 0, handshake.ToString());
        Assert.Contains("Verification: OK", handshake.Error, StringComparison.Ordinal);
    }

    private static async Task<CliRun> RunAsync(string fileName, params string[] arguments)
    {
        await using var process = TestProcess.Start(fileName, arguments);
        process.CloseInput();
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
        return new CliRun(exitCode, string.Join('\n', process.Lines), process.StandardError);
    }
}
