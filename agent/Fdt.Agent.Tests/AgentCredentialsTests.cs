using System.Net;
using Fdt.Protocol;
using Fdt.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fdt.Agent.Tests;

public sealed class AgentCredentialsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
    private WebApplication? _server;
    private Func<HttpContext, IResult> _answer = _ => Results.NotFound();
    private int _calls;
    private string? _lastAuthorization;
    private Uri _url = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.MapPost("/v1/agent/token", (HttpContext context) =>
        {
            Interlocked.Increment(ref _calls);
            _lastAuthorization = context.Request.Headers.Authorization.ToString();
            return _answer(context);
        });
        await _server.StartAsync();
        _url = new Uri(_server.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Exchange_SendsTheAuthtokenAndReturnsTheAgentToken()
    {
        _answer = _ => Results.Json(new { agentToken = "signed.agent.token", expiresAt = _time.GetUtcNow().AddMinutes(15) });
        var credentials = Create();

        var (credential, fresh) = await credentials.GetAsync(CancellationToken.None);

        Assert.Equal("signed.agent.token", credential);
        Assert.True(fresh);
        Assert.Equal("Bearer fdt_secret", _lastAuthorization);
    }

    [Fact]
    public async Task Exchange_ReusesTheTokenUntilAMinuteBeforeItExpires()
    {
        var issued = 0;
        _answer = _ => Results.Json(new { agentToken = $"token-{Interlocked.Increment(ref issued)}", expiresAt = _time.GetUtcNow().AddMinutes(15) });
        var credentials = Create();

        Assert.Equal(("token-1", true), await credentials.GetAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(13));
        Assert.Equal(("token-1", false), await credentials.GetAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(("token-2", true), await credentials.GetAsync(CancellationToken.None));
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task Invalidate_ForcesANewExchange()
    {
        var issued = 0;
        _answer = _ => Results.Json(new { agentToken = $"token-{Interlocked.Increment(ref issued)}", expiresAt = _time.GetUtcNow().AddMinutes(15) });
        var credentials = Create();
        await credentials.GetAsync(CancellationToken.None);

        credentials.Invalidate();

        Assert.Equal(("token-2", true), await credentials.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ServerWithoutControlPlane_TakesTheAuthtokenItself()
    {
        _answer = _ => Results.NotFound();
        var credentials = Create();

        Assert.Equal(("fdt_secret", true), await credentials.GetAsync(CancellationToken.None));
        Assert.Equal(("fdt_secret", false), await credentials.GetAsync(CancellationToken.None));
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task RefusedAuthtoken_IsAnAuthenticationFailure()
    {
        _answer = _ => Results.Problem(statusCode: 401, title: "The authtoken is not valid");
        var credentials = Create();

        var error = await Assert.ThrowsAsync<AgentException>(() => credentials.GetAsync(CancellationToken.None));

        Assert.Equal(AgentFailure.AuthenticationFailed, error.Failure);
        Assert.Equal(ErrorCodes.AuthenticationFailed, error.Code);
    }

    [Fact]
    public async Task ServerError_IsTransient()
    {
        _answer = _ => Results.StatusCode(503);
        var credentials = Create();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => credentials.GetAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"expiresAt\":\"2026-11-22T10:15:00Z\"}")]
    [InlineData("{\"agentToken\":\"\",\"expiresAt\":\"2026-11-22T10:15:00Z\"}")]
    [InlineData("{\"agentToken\":\"t\",\"expiresAt\":\"soon\"}")]
    public async Task MalformedAnswer_IsInvalidData(string body)
    {
        _answer = _ => Results.Text(body, "application/json");
        var credentials = Create();

        await Assert.ThrowsAsync<InvalidDataException>(() => credentials.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OversizedAnswer_IsRefusedBeforeReadingIt()
    {
        _answer = _ => Results.Text(new string('x', 100_000), "application/json");
        var credentials = Create();

        await Assert.ThrowsAsync<InvalidDataException>(() => credentials.GetAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("http://fdt.example.com", "http://fdt.example.com/v1/agent/token")]
    [InlineData("https://fdt.example.com:8443/some/path?x=1", "https://fdt.example.com:8443/v1/agent/token")]
    [InlineData("wss://fdt.example.com", "https://fdt.example.com/v1/agent/token")]
    public void ExchangeUri_IsOnTheServersOrigin(string server, string expected)
        => Assert.Equal(new Uri(expected), AgentCredentials.ExchangeUri(new Uri(server)));

    private AgentCredentials Create()
    {
        var options = new AgentOptions
        {
            ServerUrl = _url,
            Authtoken = "fdt_secret",
            Tunnels = [new TunnelDefinition { Target = new LocalTarget("localhost", 3000) }],
            TimeProvider = _time,
        };
        return new AgentCredentials(options, new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false }));
    }
}
