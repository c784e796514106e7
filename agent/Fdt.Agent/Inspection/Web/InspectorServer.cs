using System.Net;
using Fdt.Agent.Inspection.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fdt.Agent.Inspection.Web;

/// <summary>
/// The agent's local inspector: a page and a JSON API on its own small Kestrel server, showing
/// and replaying what the agent captured. It needs nothing but the agent's own captures, so it
/// works while the control plane (or the edge) is unreachable.
/// </summary>
internal sealed class InspectorServer : IAsyncDisposable
{
    /// <summary>The header the page sends with state-changing requests (a cross-site page cannot send it without CORS approval, which is never given).</summary>
    public const string CsrfHeader = "X-Fdt-Inspector";

    /// <summary>The page's Content-Security-Policy: only its own script and style, no framing, no other connections.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly WebApplication _app;
    private int _disposed;

    private InspectorServer(WebApplication app, IPEndPoint endPoint, Uri url)
    {
        _app = app;
        EndPoint = endPoint;
        Url = url;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The address to open in a browser, e.g. http://127.0.0.1:4040.</summary>
    public Uri Url { get; }

    /// <summary>
    /// Listens on <paramref name="address"/>, or when its port is taken on one of the next
    /// <paramref name="fallbackPorts"/> ports (as ngrok does from 4040).
    /// </summary>
    /// <exception cref="InspectorUnavailableException">No port could be used.</exception>
    public static async Task<InspectorServer> StartAsync(
        InspectorAddress address,
        int fallbackPorts,
        CaptureStore store,
        ExchangeReplayer replayer,
        string version,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var ip = await address.ResolveAsync(cancellationToken);
        var hostName = IPAddress.TryParse(address.Host, out _) ? null : address.Host;
        var last = address.Port == 0 ? 0 : Math.Min(65535, address.Port + Math.Max(0, fallbackPorts));
        Exception? failure = null;
        for (var port = address.Port; port <= last; port++)
        {
            var app = Build(new IPEndPoint(ip, port), hostName, store, replayer, version);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or AddressInUseException or System.Net.Sockets.SocketException)
            {
                failure = ex;
                await app.DisposeAsync();
                continue;
            }

            var bound = new Uri(app.Urls.First()).Port;
            var policy = app.Services.GetRequiredService<HostPolicyHolder>();
            policy.Policy = new InspectorHostPolicy(ip, hostName, bound);
            var urlHost = ip.Equals(IPAddress.Any) ? "127.0.0.1"
                : ip.Equals(IPAddress.IPv6Any) ? "[::1]"
                : hostName ?? (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString());
            return new InspectorServer(app, new IPEndPoint(ip, bound), new Uri($"http://{urlHost}:{bound}"));
        }

        var range = last > address.Port ? $"{address} to port {last}" : address.ToString();
        throw new InspectorUnavailableException($"The inspector cannot listen on {range}: {failure?.Message}", failure);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static WebApplication Build(IPEndPoint endPoint, string? hostName, CaptureStore store, ExchangeReplayer replayer, string version)
    {
        // Nothing from the user's working directory or environment (appsettings.json, ASPNETCORE_URLS) may change where or how this listens.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "fdt-inspector",
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton<HostPolicyHolder>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            kestrel.Listen(endPoint);
        });
        var app = builder.Build();
        var holder = app.Services.GetRequiredService<HostPolicyHolder>();
        app.Use((context, next) => GuardAsync(context, next, holder.Policy ?? new InspectorHostPolicy(endPoint.Address, hostName, endPoint.Port)));
        new InspectorEndpoints(store, replayer, version, app.Lifetime.ApplicationStopping).Map(app);
        return app;
    }

    /// <summary>Security headers on every answer; DNS-rebinding and cross-site request checks before any endpoint.</summary>
    private static Task GuardAsync(HttpContext context, RequestDelegate next, InspectorHostPolicy policy)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        var request = context.Request;
        if (!policy.IsAllowedHost(request.Host))
        {
            return Refuse(context, $"The inspector does not answer requests for host '{request.Host}' (DNS rebinding protection): open it at localhost or 127.0.0.1 and its port.");
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            var origin = request.Headers.Origin.ToString();
            if (origin.Length > 0 ? !policy.IsAllowedOrigin(origin) : !request.Headers.ContainsKey(CsrfHeader))
            {
                return Refuse(context, $"Cross-site request refused: send it from the inspector's page, or with the header {CsrfHeader}: 1.");
            }

            if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
            {
                return Refuse(context, "Cross-site request refused.");
            }
        }

        return next(context);
    }

    private static Task Refuse(HttpContext context, string message)
    {
        context.Response.StatusCode = 403;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    /// <summary>The host policy, known once the server has its port (port 0 binds any).</summary>
    private sealed class HostPolicyHolder
    {
        public InspectorHostPolicy? Policy { get; set; }
    }
}
