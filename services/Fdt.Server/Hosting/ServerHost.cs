using System.Net;
using System.Net.Security;
using Fdt.Api;
using Fdt.Api.Events;
using Fdt.Api.Inspection;
using Fdt.Api.Security;
using Fdt.Dashboard;
using Fdt.Data;
using Fdt.Edge;
using Fdt.Edge.Auth;
using Fdt.Edge.Listeners;
using Fdt.Edge.Routing;
using Fdt.Observability;
using Fdt.Observability.Health;
using Fdt.Observability.Jobs;
using Fdt.Protocol.Transport;
using Fdt.Server.Certificates;
using Fdt.Server.ControlPlane;
using Fdt.Server.Diagnostics;
using Fdt.Server.Inspection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace Fdt.Server.Hosting;

/// <summary>Builds and runs the web host for a set of roles.</summary>
internal static class ServerHost
{
    /// <summary>
    /// Builds the host. Command-line settings become configuration values, and everything that
    /// depends on them (data directory, keys, database) is resolved from configuration when the
    /// host starts, so tests (WebApplicationFactory) can override them.
    /// </summary>
    public static WebApplication Build(ServerSettings settings, string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = "fdt-server" });
        builder.Configuration.AddEnvironmentVariables("FDT_");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Server:DataDirectory"] = settings.DataDirectory,
            ["Server:DevAuthtoken"] = settings.DevAuthtoken,
            ["Data:Directory"] = settings.DataDirectory,
            ["Edge:BaseDomain"] = settings.BaseDomain,
            ["Edge:PublicPort"] = settings.PublicPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Edge:LeaseFile"] = Path.Combine(settings.DataDirectory, "leases.json"),
            ["Edge:TcpPorts"] = settings.TcpPorts,
            ["Edge:TcpListenAddress"] = settings.ListenAddress == "localhost" ? "127.0.0.1" : settings.ListenAddress,
        });
        if (settings.MetricsPort is { } metricsPortSetting)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Server:MetricsPort"] = metricsPortSetting.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        // Metrics (/metrics), health (/healthz) and readiness (/readyz) on every role;
        // Server:MetricsPort moves /metrics to a port of its own.
        builder.AddFdtObservability();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton(sp => new MetricsListener(sp.GetRequiredService<IConfiguration>().GetValue<int?>("Server:MetricsPort")));

        builder.Services.AddHostedService<DataDirectoryInitializer>();
        if (settings.JsonLogs)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        // The console's data-protection keys sit in the data directory like the server's other keys;
        // the warning that they are stored unencrypted says nothing an operator can act on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        // Every SQL statement at Information is noise in an operator's log; warnings still show.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        // With this category enabled, hosting starts an Activity per request only to stamp log
        // scopes: measurable on the forwarding hot path. The edge sets its own request ids.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // Kestrel warns that cleartext HTTP/2 needs TLS; UseH2cPriorKnowledge serves it anyway.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.AddFdtTracing();

        // Kestrel runs request processing and its sends on the socket threads instead of handing
        // them to the thread pool: -20% edge CPU per forwarded request (docs/perf). It requires
        // that no request code blocks synchronously, which holds for every FDT endpoint;
        // Server:InlineIoScheduling=false turns it off.
        var inlineIo = builder.Configuration.GetValue("Server:InlineIoScheduling", true);
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = inlineIo);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // h2c visitors send :scheme http on a connection Kestrel treats as TLS (see UseH2cPriorKnowledge).
            kestrel.AllowAlternateSchemes = true;
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 250;
            Listen(kestrel, settings.ListenAddress, settings.HttpPort, listen => listen.UseH2cPriorKnowledge());
            if (settings.HttpsPort is { } httpsPort && settings.Roles.HasFlag(ServerRole.Edge))
            {
                // TLS tunnels' names pass through unterminated; every other name gets a certificate from the
                // development CA by SNI, and HTTP/2 by ALPN.
                var certificates = kestrel.ApplicationServices.GetRequiredService<ServerCertificates>();
                Listen(kestrel, settings.ListenAddress, httpsPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseTlsPassthrough();
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = context => ValueTask.FromResult(new SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = certificates.Select(context.ClientHelloInfo.ServerName),
                            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                        }),
                    });
                });
            }

            var metricsListener = kestrel.ApplicationServices.GetRequiredService<MetricsListener>();
            if (metricsListener.ConfiguredPort is { } metricsPort)
            {
                Listen(kestrel, settings.ListenAddress, metricsPort, metricsListener.Attach);
            }
        });
        if (settings.HttpsPort is not null && settings.Roles.HasFlag(ServerRole.Edge))
        {
            builder.Services.AddSingleton(_ => DevelopmentCa.LoadOrCreate(settings.DataDirectory, settings.BaseDomain));

            // With the control plane in the process, operators' uploaded certificates come first.
            builder.Services.AddSingleton(sp => settings.Roles.HasFlag(ServerRole.Api)
                ? new ServerCertificates(sp.GetRequiredService<DevelopmentCa>(), sp.GetRequiredService<IDbContextFactory<FdtDbContext>>(), sp.GetRequiredService<CertificateKeyProtector>(), sp.GetRequiredService<IOptions<ControlPlaneOptions>>(), sp.GetRequiredService<ILogger<ServerCertificates>>())
                : new ServerCertificates(sp.GetRequiredService<DevelopmentCa>(), sp.GetRequiredService<ILogger<ServerCertificates>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ServerCertificates>());
        }

        if (settings.Roles.HasFlag(ServerRole.Api))
        {
            builder.AddFdtData();
            builder.AddFdtApi();
        }

        if (settings.Roles.HasFlag(ServerRole.Console))
        {
            builder.AddFdtDashboard();
        }

        if (settings.Roles.HasFlag(ServerRole.Workers))
        {
            // The workers' jobs report runs, failures and duration (fdt_jobs_*).
            builder.Services.AddSingleton<JobMetrics>();
            if (!settings.Roles.HasFlag(ServerRole.Api))
            {
                builder.AddFdtData();
                builder.Services.AddFdtInspectionStore();
            }

            var retentionInterval = builder.Configuration.GetValue("Inspection:RetentionInterval", TimeSpan.FromHours(1));
            builder.Services.AddQuartz(quartz =>
            {
                quartz.AddJob<CaptureRetentionJob>(job => job.WithIdentity(CaptureRetentionJob.Key));
                quartz.AddTrigger(trigger => trigger.ForJob(CaptureRetentionJob.Key).StartNow()
                    .WithSimpleSchedule(schedule => schedule.WithInterval(retentionInterval).RepeatForever()));
            });
            builder.Services.AddHostedService<JobScheduler>();
        }

        if (settings.Roles.HasFlag(ServerRole.Edge))
        {
            builder.Services.AddSingleton<DevAuthtokenProvider>();
            if (settings.Roles.HasFlag(ServerRole.Api))
            {
                builder.Services.AddOptions<ControlPlaneOptions>().BindConfiguration(ControlPlaneOptions.SectionName);
                builder.Services.AddSingleton<IAgentAuthenticator, AgentTokenAuthenticator>();
                builder.Services.AddSingleton<EdgeBridge>();
                builder.Services.AddSingleton<INameReservationPolicy>(sp => sp.GetRequiredService<EdgeBridge>());
                builder.Services.AddSingleton<Fdt.Edge.Policy.ITunnelPolicySource>(sp => sp.GetRequiredService<EdgeBridge>());
                builder.Services.AddSingleton<IControlPlaneEvents>(sp => sp.GetRequiredService<EdgeBridge>());
                builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITunnelObserver, EdgeBridge>(sp => sp.GetRequiredService<EdgeBridge>()));
                builder.Services.AddHostedService(sp => sp.GetRequiredService<EdgeBridge>());

                // The inspector: the edge captures, the writer stores, the API replays through the edge.
                builder.Services.AddSingleton<CaptureWriter>();
                builder.Services.AddSingleton<Fdt.Edge.Inspection.ICaptureSink>(sp => sp.GetRequiredService<CaptureWriter>());
                builder.Services.AddHostedService(sp => sp.GetRequiredService<CaptureWriter>());
                builder.Services.AddSingleton<IReplayGateway, ReplayGateway>();
                builder.Services.AddHealthChecks().AddCheck<ControlPlaneHealthCheck>(ControlPlaneHealthCheck.Name, tags: [HealthTags.Ready]);
            }
            else
            {
                builder.Services.AddSingleton(sp => sp.GetRequiredService<DevAuthtokenProvider>().CreateAuthenticator());
            }

            builder.AddFdtEdge();
        }

        var app = builder.Build();

        // Instruments exist (with HELP and TYPE on /metrics) from the start, not from first use.
        app.Services.GetRequiredService<ServerMetrics>();
        app.Services.GetService<JobMetrics>();

        // First: the metrics port serves metrics and health only, never a tunnel.
        var metricsListener = app.Services.GetRequiredService<MetricsListener>();
        app.UseFdtMetricsPort(() => metricsListener.Port);

        if (settings.Roles.HasFlag(ServerRole.Edge))
        {
            // First: requests for tunnel hosts never reach the server's own endpoints.
            app.UseFdtEdge();
            app.MapFdtAgentEndpoint();
        }

        if (settings.Roles.HasFlag(ServerRole.Console))
        {
            app.UseFdtDashboard();
        }

        if (settings.Roles.HasFlag(ServerRole.Api))
        {
            app.UseFdtApi();

            // With the console, /setup and /activate are its pages; without it, the API's plain ones.
            var console = settings.Roles.HasFlag(ServerRole.Console);
            app.MapFdtApi(activatePage: !console, setupPage: !console);
        }

        app.MapFdtHealth();
        app.MapFdtMetrics();

        if (settings.Roles.HasFlag(ServerRole.Console))
        {
            app.MapFdtDashboard();
        }
        else
        {
            app.MapGet("/", () => Results.Text("FDT server. Start a tunnel with `fdt http 3000`.\n"));
        }
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        switch (address)
        {
            case "localhost":
                kestrel.ListenLocalhost(port, configure);
                break;
            case "*":
                kestrel.ListenAnyIP(port, configure);
                break;
            default:
                kestrel.Listen(IPAddress.Parse(address), port, configure);
                break;
        }
    }

    public static async Task<int> RunAsync(ServerSettings settings, string[] args, CancellationToken cancellationToken)
    {
        // Inline socket completions (measured: +10% requests/s through a tunnel) only when the
        // process is a pure edge, whose socket continuations never block. With the API in the
        // process, database drivers do synchronous work and waits inside socket continuations,
        // which stalls every socket of the process (seen as Npgsql connection timeouts).
        if (settings.Roles == ServerRole.Edge)
        {
            RuntimeTuning.Apply();
        }

        await using var app = Build(settings, args);
        try
        {
            await app.StartAsync(cancellationToken);
            PrintBanner(app, settings);
            await app.WaitForShutdownAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // The host was disposed by its owner (WebApplicationFactory in tests): a normal end.
        }

        return 0;
    }

    private static void PrintBanner(WebApplication app, ServerSettings settings)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var first = addresses.Select(a => new Uri(a)).Where(u => u.Scheme == "http").OrderBy(u => u.Host == "[::1]" ? 1 : 0).FirstOrDefault();
        var port = first?.Port ?? settings.HttpPort;
        var serverUrl = $"http://{(settings.ListenAddress is "localhost" or "*" ? "localhost" : first?.Host ?? settings.ListenAddress)}:{port}";
        var publicPort = settings.PublicPort ?? port;
        var tunnelPattern = $"http://NAME.{settings.BaseDomain}{(publicPort == 80 ? string.Empty : ":" + publicPort)}";
        Console.WriteLine($"FDT server {typeof(ServerHost).Assembly.GetName().Version?.ToString(3)} is running (roles: {settings.Roles.Names(", ")})");
        var metricsPort = app.Services.GetRequiredService<MetricsListener>().Port;
        foreach (var address in addresses)
        {
            if (metricsPort is null || new Uri(address).Port != metricsPort)
            {
                Console.WriteLine($"  Listening on {address}");
            }
        }

        var metrics = metricsPort is null ? new Uri(serverUrl) : addresses.Select(a => new Uri(a)).FirstOrDefault(u => u.Port == metricsPort);
        if (metrics is not null)
        {
            Console.WriteLine($"  Metrics at   {metrics.Scheme}://{(metricsPort is not null && settings.ListenAddress is "localhost" or "*" ? "localhost:" + metrics.Port : metrics.Authority)}/metrics");
        }

        if (settings.Roles.HasFlag(ServerRole.Console))
        {
            Console.WriteLine($"  Console at   {serverUrl}/");
        }

        Console.WriteLine($"  Tunnels at   {tunnelPattern}");
        if (settings.HttpsPort is not null && settings.Roles.HasFlag(ServerRole.Edge))
        {
            Console.WriteLine($"  HTTPS with   the development CA in {Path.Combine(settings.DataDirectory, DevelopmentCa.CertificateFile)} (fdt-server ca export)");
        }

        Console.WriteLine($"  Data in      {settings.DataDirectory}");
        if (settings.Roles.HasFlag(ServerRole.Api))
        {
            Banner.PrintControlPlane(app, serverUrl);
        }
        else if (settings.Roles.HasFlag(ServerRole.Edge))
        {
            var token = app.Services.GetRequiredService<DevAuthtokenProvider>();
            Console.WriteLine();
            Console.WriteLine(token.Created ? "A development authtoken was created for this server. Connect an agent with:" : "Connect an agent with:");
            Console.WriteLine($"  fdt config add-authtoken {token.Token}");
            Console.WriteLine($"  fdt config set server {serverUrl}");
            Console.WriteLine("  fdt http 3000");
        }

        Console.Out.Flush();
    }
}
