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

        // A tunnel served over plain HTTP only is not found over HTTPS.
        await using var plainOnly = AgentProcess.Start(server.Url, _origin.Address, Token, "--scheme", "http", "--subdomain", "plainonly");
        await plainOnly.WaitForUrlAsync();
        var notServed = await RunAsync("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", caFile, "--resolve", $"plainonly.localhost:{httpsPort}:127.0.0.1", $"https://plainonly.localhost:{httpsPort}/hello");
        Assert.Equal("404", notServed.Output);

        var handshake = await RunAsync("openssl", "s_client", "-connect", $"127.0.0.1:{httpsPort.ToString(CultureInfo.InvariantCulture)}", "-servername", host, "-CAfile", caFile, "-verify_hostname", host, "-verify_return_error", "-brief");
        Assert.True(handshake.ExitCode == 0, handshake.ToString());
        Assert.Contains("Verification: OK", handshake.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsTunnel_PassesTlsThroughSoTheServicesOwnCertificateReachesTheVisitor()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        var httpsPort = server.HttpsPort!.Value.ToString(CultureInfo.InvariantCulture);
        await using var service = TlsService.Start("secure.localhost");
        var serviceCa = Path.Combine(_dataDirectory, "service.pem");
        await File.WriteAllTextAsync(serviceCa, service.CertificatePem, Ct);
        var edgeCa = Path.Combine(_dataDirectory, "edge-ca.pem");
        Assert.Equal(0, (await RunAsync("dotnet", Binaries.Server, "ca", "export", "--data-dir", _dataDirectory, "--out", edgeCa)).ExitCode);

        await using var tls = AgentProcess.StartTls(server.Url, service.Port.ToString(CultureInfo.InvariantCulture), Token, "--subdomain", "secure");
        Assert.Equal($"tls://secure.localhost:{httpsPort}", await tls.WaitForUrlAsync());
        await using var http = AgentProcess.Start(server.Url, _origin.Address, Token, "--subdomain", "plain");
        await http.WaitForUrlAsync();

        // The visitor trusts the service's own certificate, not the edge's CA: the edge never terminated.
        var passedThrough = await RunAsync("curl", "-sS", "--cacert", serviceCa, "--resolve", $"secure.localhost:{httpsPort}:127.0.0.1", $"https://secure.localhost:{httpsPort}/");
        Assert.True(passedThrough.ExitCode == 0, passedThrough.ToString());
        Assert.Equal("hello over the service's own TLS", passedThrough.Output);
        var edgeCertificate = await RunAsync("curl", "-sS", "--cacert", edgeCa, "--resolve", $"secure.localhost:{httpsPort}:127.0.0.1", $"https://secure.localhost:{httpsPort}/");
        Assert.Equal(60, edgeCertificate.ExitCode);

        // The same port still terminates TLS for HTTP tunnels.
        var terminated = await RunAsync("curl", "-sS", "--cacert", edgeCa, "--resolve", $"plain.localhost:{httpsPort}:127.0.0.1", $"https://plain.localhost:{httpsPort}/hello");
        Assert.True(terminated.ExitCode == 0, terminated.ToString());
        Assert.Equal("hello from origin", terminated.Output);
    }

    [Fact]
    public async Task HttpsPort_AnswersGarbageAndNamelessHellosWithAlertsAndClosesStalledOnes()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token, extra: ["--Edge:TlsHelloTimeout=00:00:01"]);
        var port = server.HttpsPort!.Value;

        using (var garbage = new System.Net.Sockets.TcpClient())
        {
            await garbage.ConnectAsync(System.Net.IPAddress.Loopback, port, Ct);
            await garbage.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), Ct);
            Assert.Equal(new byte[] { 21, 3, 3, 0, 2, 2, 50 }, await ReadToEndAsync(garbage));
        }

        // A real ClientHello without a server name: nothing to route, so an unrecognized_name alert.
        var anonymous = await RunAsync("openssl", "s_client", "-connect", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "-noservername", "-brief");
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("unrecognized name", anonymous.Error, StringComparison.OrdinalIgnoreCase);

        // Three bytes of a record header, then nothing: the edge gives up on the hello and closes.
        using var stalled = new System.Net.Sockets.TcpClient();
        await stalled.ConnectAsync(System.Net.IPAddress.Loopback, port, Ct);
        await stalled.GetStream().WriteAsync(new byte[] { 22, 3, 1 }, Ct);
        Assert.Empty(await ReadToEndAsync(stalled));
    }

    private static async Task<byte[]> ReadToEndAsync(System.Net.Sockets.TcpClient client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        using var received = new MemoryStream();
        try
        {
            await client.GetStream().CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // A reset after the alert still ends the connection.
        }

        return received.ToArray();
    }

    private static async Task<CliRun> RunAsync(string fileName, params string[] arguments)
    {
        await using var process = TestProcess.Start(fileName, arguments);
        process.CloseInput();
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
        return new CliRun(exitCode, string.Join('\n', process.Lines), process.StandardError);
    }
}
