using System.Net;
using Fdt.Cli.Api;

namespace Fdt.Cli.Tests.Api;

public sealed class ApiClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://localhost:8080", "/v1/agent/tunnels", "http://localhost:8080/v1/agent/tunnels")]
    [InlineData("https://fdt.example.com/some/path?x=1#f", "/v1/device/code", "https://fdt.example.com/v1/device/code")]
    [InlineData("https://fdt.example.com:443/", "/v1/agent/logout", "https://fdt.example.com/v1/agent/logout")]
    [InlineData("http://127.0.0.1:9000/", "/v1/agent/tunnels/a%2Fb/stop", "http://127.0.0.1:9000/v1/agent/tunnels/a%2Fb/stop")]
    [InlineData("http://127.0.0.1:9000/", "/v1/agent/tunnels/..%2F..%2Fx/stop", "http://127.0.0.1:9000/v1/agent/tunnels/..%2F..%2Fx/stop")]
    public void EndpointUri_Path_OnTheServersOriginWithEscapesKept(string server, string path, string expected)
    {
        using var client = new ApiClient(new Uri(server), new SocketsHttpHandler());

        Assert.Equal(expected, client.EndpointUri(path).AbsoluteUri);
    }

    [Fact]
    public async Task SendAsync_ServerRefusesConnections_ThrowsServerUnreachableWithHint()
    {
        var server = ClosedPort.ServerUrl();
        using var client = new ApiClient(server, ApiClient.CreateHandler(insecure: false, configureTls: null));

        var exception = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(HttpMethod.Get, "/v1/agent/tunnels", null, "tok", Ct));

        Assert.Equal(ExitCodes.ServerUnreachable, exception.Error.ExitCode);
        Assert.StartsWith($"Cannot reach the FDT server at {server}: ", exception.Error.Message, StringComparison.Ordinal);
        Assert.Contains("--server", exception.Error.Hint, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(exception.InnerException);
    }

    [Fact]
    public async Task SendAsync_Canceled_ThrowsCancellationNotUnreachable()
    {
        using var client = new ApiClient(ClosedPort.ServerUrl(), ApiClient.CreateHandler(insecure: false, configureTls: null));
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(HttpMethod.Get, "/v1/agent/tunnels", null, null, canceled.Token));
    }

    [Fact]
    public void CreateHandler_Insecure_AcceptsAnyCertificateAndConfigureTlsRunsLast()
    {
        var configured = false;

        using var handler = ApiClient.CreateHandler(insecure: true, options =>
        {
            Assert.NotNull(options.RemoteCertificateValidationCallback);
            configured = true;
        });

        Assert.True(configured);
        Assert.True(handler.SslOptions.RemoteCertificateValidationCallback!(new object(), null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(handler.AllowAutoRedirect);
        Assert.True(handler.UseProxy);
    }

    [Fact]
    public void CreateHandler_Secure_LeavesCertificateValidationOn()
    {
        using var handler = ApiClient.CreateHandler(insecure: false, configureTls: null);

        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(ApiClient.MaxResponseBytes)]
    public async Task ReadBodyAsync_UpToTheLimit_ReturnsAllOfIt(int length)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        Assert.Equal(bytes, await ApiClient.ReadBodyAsync(new StreamContent(new MemoryStream(bytes)), ApiClient.MaxResponseBytes, Ct));
        Assert.Equal(bytes, await ApiClient.ReadBodyAsync(new ByteArrayContent(bytes), ApiClient.MaxResponseBytes, Ct));
    }

    [Fact]
    public async Task ReadBodyAsync_OverTheLimitWithoutLength_ReturnsNull()
    {
        var content = new StreamContent(new MemoryStream(new byte[ApiClient.MaxResponseBytes + 1]));
        content.Headers.ContentLength = null;

        Assert.Null(await ApiClient.ReadBodyAsync(content, ApiClient.MaxResponseBytes, Ct));
    }

    [Fact]
    public async Task ReadBodyAsync_DeclaredLengthOverTheLimit_ReturnsNullWithoutReading()
    {
        var stream = new MemoryStream(new byte[16]);
        var content = new StreamContent(stream);
        content.Headers.ContentLength = 10L * 1024 * 1024;

        Assert.Null(await ApiClient.ReadBodyAsync(content, ApiClient.MaxResponseBytes, Ct));
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public async Task SendAsync_Request_CarriesUserAgentAcceptAndBearerToTheOriginPath()
    {
        await using var peer = RawHttpPeer.Start("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        using var client = new ApiClient(new Uri($"{peer.Url}ignored/path"), ApiClient.CreateHandler(insecure: false, configureTls: null));

        var response = await client.SendAsync(HttpMethod.Post, "/v1/agent/logout", null, "fdt_abc", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var head = await peer.RequestHead;
        Assert.StartsWith("POST /v1/agent/logout HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nUser-Agent: fdt/{CliVersion.Current}\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nAccept: application/json\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer fdt_abc\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 0\r\n", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_AnswerOverTheLimit_ReadingItFailsWithExitCodeOne()
    {
        var body = new string('x', ApiClient.MaxResponseBytes + 1);
        await using var peer = RawHttpPeer.Start($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[\"{body}\"]");
        using var client = new ApiClient(peer.Url, ApiClient.CreateHandler(insecure: false, configureTls: null));

        var response = await client.SendAsync(HttpMethod.Get, "/v1/agent/tunnels", null, "tok", Ct);

        Assert.True(response.IsTooLarge);
        var exception = Assert.Throws<ApiException>(() => response.ReadDocument());
        Assert.Equal(ExitCodes.UnexpectedError, exception.Error.ExitCode);
        Assert.Contains("larger than 64 KiB", exception.Error.Message, StringComparison.Ordinal);
    }
}
