using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>The built fdt-server and fdt binaries as processes, driven the way a user drives them.</summary>
public sealed class TunnelEndToEndTests : IAsyncLifetime
{
    private const string Token = "fdt_e2e_token_0123456789";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-{Guid.NewGuid():N}");
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
    public async Task JsonLogs_AreOneObjectPerLineWithCategoryEventAndState()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, "the-token-0123456789", extra: ["--log-format", "json"]);

        await using var refused = AgentProcess.Start(server.Url, _origin.Address, "not-the-token");
        Assert.Equal(3, await refused.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct));

        var line = await server.Process.WaitForLineAsync(l => l.Contains("Refused an agent", StringComparison.Ordinal), TimeSpan.FromSeconds(10), Ct);
        using var log = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal("Warning", log.RootElement.GetProperty("LogLevel").GetString());
        Assert.EndsWith("AgentConnectionHandler", log.RootElement.GetProperty("Category").GetString(), StringComparison.Ordinal);
        Assert.Equal("ERR_FDT_2001", log.RootElement.GetProperty("State").GetProperty("Code").GetString());
        Assert.True(DateTimeOffset.TryParse(log.RootElement.GetProperty("Timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.DoesNotContain("not-the-token", server.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstStart_CreatesTokenPrintsCommandAndRefusesOthers()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, token: null);
        var tokenFile = Path.Combine(_dataDirectory, "dev-authtoken");
        var token = (await File.ReadAllTextAsync(tokenFile, Ct)).Trim();
        Assert.StartsWith("fdt_dev_", token, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        await server.Process.WaitForLineAsync(l => l.Trim() == $"fdt config add-authtoken {token}", TimeSpan.FromSeconds(10), Ct);
        await server.Process.WaitForLineAsync(l => l.Trim() == "fdt http 3000", TimeSpan.FromSeconds(10), Ct);

        await using var refused = AgentProcess.Start(server.Url, _origin.Address, "not-the-token");
        Assert.Equal(3, await refused.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct));
        var error = await refused.WaitForEventAsync("error");
        Assert.Equal("ERR_FDT_2001", error.GetProperty("code").GetString());

        await using var accepted = AgentProcess.Start(server.Url, _origin.Address, token);
        var url = await accepted.WaitForUrlAsync();
        using var visitor = server.CreateVisitor();
        Assert.Equal("hello from origin", await visitor.GetStringAsync(url + "/hello", Ct));
    }

    [Fact]
    public async Task HttpTunnel_CarriesRequestsAndBodiesAndReportsThem()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        await using var agent = AgentProcess.Start(server.Url, _origin.Address, Token);
        var url = await agent.WaitForUrlAsync();
        Assert.Matches($@"^http://[a-z][a-z2-9]{{7}}\.localhost:{server.Port}$", url);
        using var visitor = server.CreateVisitor();

        var upload = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        using var content = new ByteArrayContent(upload);
        using var posted = await visitor.PostAsync(url + "/sha256", content, Ct);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(upload)), await posted.Content.ReadAsStringAsync(Ct));
        var download = await visitor.GetByteArrayAsync(url + "/download?size=20000000&seed=5", Ct);
        Assert.Equal(SHA256.HashData(OriginServer.Content(20_000_000, 5)), SHA256.HashData(download));

        var request = await agent.WaitForEventAsync("request");
        Assert.Equal("POST", request.GetProperty("method").GetString());
        Assert.Equal("/sha256", request.GetProperty("path").GetString());
        Assert.Equal(200, request.GetProperty("status").GetInt32());
        Assert.True(request.GetProperty("duration_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task ServerRestart_AgentComesBackWithSameUrl()
    {
        var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        var port = server.Port;
        await using var agent = AgentProcess.Start(server.Url, _origin.Address, Token);
        var before = await agent.WaitForUrlAsync();

        Assert.Equal(0, await server.StopAsync());
        await server.DisposeAsync();
        await agent.WaitForEventAsync("reconnecting");

        await using var restarted = await ServerProcess.StartAsync(_dataDirectory, Token, port);
        var after = await agent.WaitForUrlAsync(skip: 1);
        Assert.Equal(before, after);
        using var visitor = restarted.CreateVisitor();
        Assert.Equal("hello from origin", await visitor.GetStringAsync(after + "/hello", Ct));
    }

    [Fact]
    public async Task AgentKilled_VisitorGets502WithAgentCode()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        var agent = AgentProcess.Start(server.Url, _origin.Address, Token);
        var url = await agent.WaitForUrlAsync();
        agent.Process.Kill();
        await agent.DisposeAsync();

        using var visitor = server.CreateVisitor();
        HttpResponseMessage? response = null;
        for (var attempt = 0; attempt < 200 && response?.StatusCode != HttpStatusCode.BadGateway; attempt++)
        {
            response?.Dispose();
            response = await visitor.GetAsync(url + "/hello", Ct);
        }

        Assert.Equal(HttpStatusCode.BadGateway, response!.StatusCode);
        Assert.Equal("ERR_FDT_1002", response.Headers.GetValues("Fdt-Error-Code").Single());
        Assert.Contains("ERR_FDT_1002", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        response.Dispose();
    }

    [Fact]
    public async Task LocalServiceDown_VisitorGets502AndAgentReportsIt()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        await using var agent = AgentProcess.Start(server.Url, $"127.0.0.1:{FreePort()}", Token);
        var url = await agent.WaitForUrlAsync();
        using var visitor = server.CreateVisitor();
        using var response = await visitor.GetAsync(url + "/", Ct);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("ERR_FDT_1003", response.Headers.GetValues("Fdt-Error-Code").Single());
        var reported = await agent.WaitForEventAsync("local_service_error");
        Assert.Contains("connection refused", reported.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameNameTwice_SecondAgentExitsWithNameInUse()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        await using var first = AgentProcess.Start(server.Url, _origin.Address, Token, "--subdomain", "myapp");
        Assert.Equal($"http://myapp.localhost:{server.Port}", await first.WaitForUrlAsync());

        await using var second = AgentProcess.Start(server.Url, _origin.Address, Token, "--subdomain", "myapp");
        Assert.Equal(4, await second.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct));
        var error = await second.WaitForEventAsync("error");
        Assert.Equal("ERR_FDT_2004", error.GetProperty("code").GetString());
        Assert.Equal(4, error.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task Interrupt_ExitsZeroAndReleasesTheNameAtOnce()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        await using var first = AgentProcess.Start(server.Url, _origin.Address, Token, "--subdomain", "handover");
        await first.WaitForUrlAsync();
        first.Process.Interrupt();
        Assert.Equal(0, await first.Process.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct));
        await first.WaitForEventAsync("stopped");

        await using var second = AgentProcess.Start(server.Url, _origin.Address, Token, "--subdomain", "handover");
        Assert.Equal($"http://handover.localhost:{server.Port}", await second.WaitForUrlAsync());
    }

    [Fact]
    public async Task ServerUnreachable_AgentExitsWithCode5()
    {
        await using var agent = AgentProcess.Start(new Uri($"http://127.0.0.1:{FreePort()}"), _origin.Address, Token);
        Assert.Equal(5, await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct));
        var error = await agent.WaitForEventAsync("error");
        Assert.Contains("connection refused", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
