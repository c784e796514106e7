using System.Net;
using Fdt.Edge.Auth;
using Fdt.Edge.Listeners;
using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fdt.Edge.IntegrationTests;

/// <summary>The edge on real Kestrel at 127.0.0.1 (port 0 unless a restart must reuse one).</summary>
internal sealed class EdgeTestHost : IAsyncDisposable
{
    public const string Token = "test-token-0123456789";

    private readonly WebApplication _app;
    private bool _stopped;

    private EdgeTestHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public Uri ServerUrl => new($"http://127.0.0.1:{Port}");

    public TunnelRegistry Tunnels => _app.Services.GetRequiredService<TunnelRegistry>();

    public IServiceProvider Services => _app.Services;

    public AgentSessionRegistry Sessions => _app.Services.GetRequiredService<AgentSessionRegistry>();

    public static Task<EdgeTestHost> StartAsync(IDictionary<string, string?>? settings = null, int port = 0, CancellationToken cancellationToken = default)
        => StartAsync(settings, services: null, port, cancellationToken);

    /// <param name="services">Registers services before the edge's own (e.g. a policy source).</param>
    public static async Task<EdgeTestHost> StartAsync(IDictionary<string, string?>? settings, Action<IServiceCollection>? services, int port = 0, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Edge:BaseDomain"] = "localhost",
            ["Edge:KeepAliveInterval"] = "00:00:02",
            ["Edge:KeepAliveTimeout"] = "00:00:05",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<IAgentAuthenticator>(new StaticTokenAgentAuthenticator(Token));
        services?.Invoke(builder.Services);
        builder.AddFdtEdge();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AllowAlternateSchemes = true;
            k.Listen(IPAddress.Loopback, port, listen => listen.UseH2cPriorKnowledge());
        });
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var app = builder.Build();
        app.UseFdtEdge();
        app.MapFdtAgentEndpoint();
        await app.StartAsync(cancellationToken);
        return new EdgeTestHost(app, new Uri(app.Urls.First()).Port);
    }

    /// <summary>A client whose requests reach this edge whatever the URL's host.</summary>
    public HttpClient CreateVisitor(TimeSpan? timeout = null) => Fdt.Testing.LoopbackHttp.CreateClient(Port, timeout);

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
