using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using Fdt.Protocol.Control;
using Fdt.Protocol.Transport;

namespace Fdt.Agent;

/// <summary>
/// Opens the byte stream that carries the mux: an HTTP/1.1 Upgrade to
/// <see cref="ControlProtocol.UpgradeProtocol"/> when possible, a WebSocket otherwise. Both go to
/// the same endpoint on the edge's HTTP(S) port, through the same proxies as web traffic.
/// </summary>
internal sealed class EdgeConnector : IDisposable
{
    private readonly AgentOptions _options;
    private readonly HttpMessageInvoker _invoker;
    private bool _upgradeRefused;

    public EdgeConnector(AgentOptions options)
    {
        _options = options;
        _invoker = new HttpMessageInvoker(CreateHandler(), disposeHandler: true);
    }

    private SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        if (_options.InsecureSkipVerify)
        {
            // Opt-in (--insecure) for development servers with self-signed certificates.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        return handler;
    }

    /// <summary>The HTTP client the connector uses, shared with the authtoken exchange (same TLS settings).</summary>
    public HttpMessageInvoker Invoker => _invoker;

    /// <summary>The transport the last successful connection used ("upgrade" or "websocket").</summary>
    public string? LastTransport { get; private set; }

    public async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_options.Transport != AgentTransport.WebSocket && !_upgradeRefused)
        {
            var stream = await TryUpgradeAsync(cancellationToken);
            if (stream is not null)
            {
                LastTransport = "upgrade";
                return stream;
            }

            if (_options.Transport == AgentTransport.Upgrade)
            {
                throw new IOException($"The server at {_options.ServerUrl} refused the {ControlProtocol.UpgradeProtocol} upgrade.");
            }

            // A proxy (or an older server) in between: use WebSocket from now on.
            _upgradeRefused = true;
        }

        var webSocket = new ClientWebSocket();
        try
        {
            webSocket.Options.AddSubProtocol(ControlProtocol.WebSocketSubProtocol);
            webSocket.Options.KeepAliveInterval = TimeSpan.Zero;
            webSocket.Options.SetRequestHeader("User-Agent", UserAgent);
            await webSocket.ConnectAsync(Endpoint(_options.ServerUrl, webSocket: true), _invoker, cancellationToken);
            LastTransport = "websocket";
            return new WebSocketByteStream(webSocket);
        }
        catch
        {
            webSocket.Dispose();
            throw;
        }
    }

    public void Dispose() => _invoker.Dispose();

    internal static Uri Endpoint(Uri server, bool webSocket)
    {
        var secure = server.Scheme is "https" or "wss";
        var builder = new UriBuilder(server)
        {
            Scheme = webSocket ? (secure ? "wss" : "ws") : (secure ? "https" : "http"),
            Path = ControlProtocol.AgentEndpointPath,
            Query = string.Empty,
        };
        if (server.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }

    private string UserAgent => $"fdt/{_options.AgentVersion}";

    private async Task<Stream?> TryUpgradeAsync(CancellationToken cancellationToken)
    {
        if (_options.ServerUrl.Scheme is "https" or "wss")
        {
            return await UpgradeAsync(_invoker, cancellationToken);
        }

        // Plain TCP: a handler of its own for this one connection keeps hold of the socket, so the
        // mux can write to it directly (one gathering send for frame headers and payload).
        Socket? socket = null;
        var handler = CreateHandler();
        handler.ConnectCallback = async (context, token) =>
        {
            var connecting = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await connecting.ConnectAsync(context.DnsEndPoint, token);
            }
            catch
            {
                connecting.Dispose();
                throw;
            }

            socket = connecting;
            return new NetworkStream(connecting, ownsSocket: true);
        };
        var invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        try
        {
            var stream = await UpgradeAsync(invoker, cancellationToken);
            if (stream is not null && socket is not null)
            {
                return new UpgradedSocketStream(stream, socket, invoker);
            }

            invoker.Dispose();
            return stream;
        }
        catch
        {
            invoker.Dispose();
            throw;
        }
    }

    private async Task<Stream?> UpgradeAsync(HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Endpoint(_options.ServerUrl, webSocket: false))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("fdt-mux", "1"));
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        var response = await invoker.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.SwitchingProtocols)
        {
            response.Dispose();
            return null;
        }

        // The response owns the connection; its content stream is now the raw duplex transport.
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }
}
