using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Fdt.Edge.Auth;
using Fdt.Edge.Policy;
using Fdt.Edge.Routing;
using Fdt.Edge.Tcp;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Fdt.Protocol.Mux;
using Fdt.Protocol.Transport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Edge.Sessions;

/// <summary>
/// Serves the agent endpoint: accepts the WebSocket, runs the mux over it, authenticates the
/// agent's hello on the control stream, then handles bind and unbind until the session ends.
/// </summary>
public sealed partial class AgentConnectionHandler
{
    private readonly EdgeOptions _options;
    private readonly IAgentAuthenticator _authenticator;
    private readonly TunnelRegistry _tunnels;
    private readonly TcpTunnelListeners _tcp;
    // The server depends on this handler (agent fast path), so it is looked up when needed.
    private readonly IServiceProvider _services;
    private readonly AgentSessionRegistry _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentConnectionHandler> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationToken _stopping;
    private readonly MuxOptions _muxOptions;

    public AgentConnectionHandler(
        IOptions<EdgeOptions> options,
        IAgentAuthenticator authenticator,
        TunnelRegistry tunnels,
        AgentSessionRegistry sessions,
        TcpTunnelListeners tcp,
        IServiceProvider services,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggerFactory)
    {
        _tcp = tcp;
        _services = services;
        _options = options.Value;
        _authenticator = authenticator;
        _tunnels = tunnels;
        _sessions = sessions;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<AgentConnectionHandler>();
        _stopping = lifetime.ApplicationStopping;
        _muxOptions = new MuxOptions
        {
            KeepAliveInterval = _options.KeepAliveInterval,
            KeepAliveTimeout = _options.KeepAliveTimeout,
            MaxConcurrentStreams = _options.MaxStreamsPerSession,
            MaxStreamWindow = _options.MaxStreamWindow,
            TimeProvider = time,

            // The edge's readers (the forwarder's HTTP connections and its copy loops) never block
            // synchronously: resuming them on the receive loop saves a thread hand-off per delivery.
            InlineReadCompletions = true,
        };
    }

    /// <summary>
    /// Handles one request to the agent endpoint: an HTTP/1.1 Upgrade to the raw mux transport
    /// (<see cref="ControlProtocol.UpgradeProtocol"/>, the fast path) or a WebSocket (for networks
    /// whose proxies pass nothing else).
    /// </summary>
    public async Task HandleAsync(HttpContext context)
    {
        Stream transport;
        string kind;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is { IsUpgradableRequest: true } && !context.WebSockets.IsWebSocketRequest
            && string.Equals(context.Request.Headers.Upgrade, ControlProtocol.UpgradeProtocol, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.Upgrade = ControlProtocol.UpgradeProtocol;
            transport = await upgrade.UpgradeAsync();
            kind = AgentTransportKinds.Upgrade;
        }
        else if (context.WebSockets.IsWebSocketRequest)
        {
            var protocols = context.WebSockets.WebSocketRequestedProtocols;
            var webSocket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                SubProtocol = protocols.Contains(ControlProtocol.WebSocketSubProtocol) ? ControlProtocol.WebSocketSubProtocol : null,
                KeepAliveInterval = TimeSpan.Zero, // the mux has its own keepalive
                DangerousEnableCompression = false,
            });
            transport = new WebSocketByteStream(webSocket);
            kind = AgentTransportKinds.WebSocket;
        }
        else
        {
            context.Response.Headers.Upgrade = ControlProtocol.UpgradeProtocol + ", websocket";
            await Results.Problem(
                statusCode: StatusCodes.Status426UpgradeRequired,
                title: "This is the FDT agent endpoint",
                detail: "Agents connect here with an HTTP Upgrade (fdt-mux/1) or a WebSocket. Start a tunnel with `fdt http 3000`.").ExecuteAsync(context);
            return;
        }

        await RunAsync(StartSession(transport), context.Connection.RemoteIpAddress, context.Connection.LocalPort, kind);
    }

    /// <summary>Starts the edge's side of the mux over an agent's transport.</summary>
    internal MuxSession StartSession(Stream transport) => MuxSession.StartServer(transport, _muxOptions, _loggerFactory.CreateLogger<MuxSession>());

    /// <summary>Runs an agent session over an established mux (also used by tests and other transports).</summary>
    internal async Task RunAsync(MuxSession mux, IPAddress? remoteAddress, int localPort, string transport)
    {
        AgentSession? session = null;
        var cleanClose = false;
        try
        {
            session = await HandshakeAsync(mux, remoteAddress, localPort, transport);
            if (session is null)
            {
                return;
            }

            cleanClose = await ControlLoopAsync(session);
        }
        catch (Exception ex) when (ex is IOException or ControlProtocolException or OperationCanceledException or ObjectDisposedException)
        {
            if (ex is ControlProtocolException)
            {
                Log.ControlProtocolError(_logger, session?.Id ?? "(handshake)", ex.Message);
            }
        }
        finally
        {
            if (session is not null)
            {
                var keepLease = !cleanClose || session.Draining;
                foreach (var binding in session.TakeBindings())
                {
                    _tunnels.Release(binding, keepLease);
                }

                _sessions.Remove(session);
            }

            await mux.CloseAsync();
            if (session is not null)
            {
                Log.AgentDisconnected(_logger, session.Id, cleanClose ? "closed by the agent" : mux.CloseReason?.ToString() ?? "ended");
            }
        }
    }

    private async Task<AgentSession?> HandshakeAsync(MuxSession mux, IPAddress? remoteAddress, int localPort, string transport)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        timeout.CancelAfter(_options.HandshakeTimeout);
        ControlChannel control;
        ControlMessage? message;
        try
        {
            var stream = await mux.AcceptStreamAsync(timeout.Token);
            control = new ControlChannel(stream);
            message = await control.ReceiveAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            Log.HandshakeFailed(_logger, remoteAddress, "no hello within the handshake timeout");
            return null;
        }

        if (message is not HelloMessage hello)
        {
            Log.HandshakeFailed(_logger, remoteAddress, $"the first message was {message?.GetType().Name ?? "missing"}, not hello");
            if (message is not null)
            {
                await control.SendAsync(Refusal(ErrorCodes.ControlProtocolError, "The first control message must be hello."), timeout.Token);
            }

            return null;
        }

        if (hello.ProtocolVersion < ControlProtocol.MinSupportedVersion || hello.ProtocolVersion > ControlProtocol.Version)
        {
            Log.AgentRejected(_logger, remoteAddress, ErrorCodes.UnsupportedProtocolVersion);
            await control.SendAsync(
                Refusal(ErrorCodes.UnsupportedProtocolVersion, $"This server speaks control protocol versions {ControlProtocol.MinSupportedVersion} to {ControlProtocol.Version}; the agent speaks {hello.ProtocolVersion}. Update fdt."),
                timeout.Token);
            return null;
        }

        var auth = await _authenticator.AuthenticateAsync(hello.Authtoken, timeout.Token);
        if (auth.Identity is null)
        {
            Log.AgentRejected(_logger, remoteAddress, auth.Error!.Code);
            await control.SendAsync(new HelloResultMessage { Ok = false, Error = auth.Error }, timeout.Token);
            return null;
        }

        var session = new AgentSession("s" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(), auth.Identity, hello, remoteAddress, mux, control, _time.GetUtcNow())
        {
            LocalPort = localPort,
            Transport = transport,
        };
        _sessions.Add(session);
        await control.SendAsync(new HelloResultMessage { Ok = true, SessionId = session.Id, Account = auth.Identity.DisplayName, EdgeId = Environment.MachineName }, timeout.Token);
        Log.AgentConnected(_logger, session.Id, auth.Identity.OwnerId, remoteAddress, hello.AgentVersion);
        return session;
    }

    /// <summary>Returns true when the agent closed its control stream cleanly.</summary>
    private async Task<bool> ControlLoopAsync(AgentSession session)
    {
        while (true)
        {
            var message = await session.Control.ReceiveAsync(_stopping);
            switch (message)
            {
                case null:
                    return true;
                case BindMessage bind:
                    await BindAsync(session, bind);
                    break;
                case UnbindMessage unbind:
                    var binding = session.FindBinding(unbind.TunnelId);
                    if (binding is not null && session.RemoveBinding(binding))
                    {
                        _tunnels.Release(binding, keepLease: false);
                        Log.TunnelUnbound(_logger, session.Id, binding.Name);
                    }

                    break;
                default:
                    // Unknown or unexpected kinds are skipped so that newer agents keep working.
                    break;
            }
        }
    }

    private async Task BindAsync(AgentSession session, BindMessage bind)
    {
        ControlError? error = null;
        TunnelBinding? binding = null;
        var limit = Math.Min(_options.MaxTunnelsPerSession, session.Identity.MaxTunnels ?? int.MaxValue);
        if (bind.Protocol is not (TunnelProtocol.Http or TunnelProtocol.Tcp) && !(bind.Protocol == TunnelProtocol.Tls && HttpsPort() is not null))
        {
            error = new ControlError(ErrorCodes.ProtocolNotSupported, $"This edge does not offer {bind.Protocol.ToString().ToLowerInvariant()} tunnels.");
        }
        else if (bind.Scheme is not (null or "http" or "https" or "both"))
        {
            error = new ControlError(ErrorCodes.InvalidBindRequest, $"Unknown scheme '{bind.Scheme}': use http, https or both.");
        }
        else if ((bind.Scheme == "https" || bind.RedirectHttps) && HttpsPort() is null)
        {
            error = new ControlError(ErrorCodes.InvalidBindRequest, "This server has no HTTPS listener, so it cannot serve the tunnel over HTTPS.");
        }
        else if (!TunnelPolicy.TryCreate(bind.Policy, bind.Protocol, out _, out var policyError))
        {
            error = new ControlError(ErrorCodes.InvalidBindRequest, "Invalid traffic policy: " + policyError);
        }
        else if (session.BindingCount >= limit)
        {
            error = new ControlError(ErrorCodes.TooManyTunnels, $"An agent session may hold at most {limit} tunnels.");
        }
        else
        {
            var outcome = _tunnels.TryBind(session, bind, name => BuildUrls(bind, name, session.LocalPort));
            binding = outcome.Binding;
            error = outcome.Error;
            if (binding is not null && bind.Protocol == TunnelProtocol.Tcp
                && TunnelNames.TryParseTcpPort(binding.Name, out var port)
                && !_tcp.TryStart(binding, port, out var listenError))
            {
                _tunnels.Release(binding, keepLease: false);
                (binding, error) = (null, new ControlError(ErrorCodes.PortUnavailable, listenError!));
            }
        }

        if (binding is null)
        {
            Log.BindRefused(_logger, session.Id, bind.Name, error!.Code, error.Message);
            await session.Control.SendAsync(new BindResultMessage { RequestId = bind.RequestId, Ok = false, Error = error }, _stopping);
            return;
        }

        session.AddBinding(binding);
        Log.TunnelBound(_logger, session.Id, binding.Name, binding.Urls[0]);
        await session.Control.SendAsync(new BindResultMessage { RequestId = bind.RequestId, Ok = true, TunnelId = binding.Id, Name = binding.Name, Urls = binding.Urls }, _stopping);
    }

    /// <summary>Public URLs of a name: the configured public port, else the port the agent reached the edge on.</summary>
    private IReadOnlyList<string> BuildUrls(BindMessage bind, string name, int connectedPort)
    {
        var protocol = bind.Protocol;
        if (protocol == TunnelProtocol.Tcp && TunnelNames.TryParseTcpPort(name, out var tcpPort))
        {
            return [$"tcp://{_options.TcpHost ?? _options.BaseDomain}:{tcpPort.ToString(CultureInfo.InvariantCulture)}"];
        }

        if (protocol == TunnelProtocol.Tls)
        {
            // Passed through on the HTTPS port, routed by the ClientHello's server name.
            return [Url("tls", name, HttpsPort())];
        }

        var scheme = _options.PublicScheme;
        var port = _options.PublicPort ?? (connectedPort > 0 ? connectedPort : null);
        var url = Url(scheme, name, port);
        if (HttpsPort() is not { } httpsPort || scheme == "https")
        {
            return [url];
        }

        var https = Url("https", name, httpsPort);
        return bind.Scheme switch
        {
            "http" => [url],
            "https" => [https],
            _ => [url, https],
        };
    }

    private string Url(string scheme, string name, int? port)
    {
        var defaultPort = scheme is "https" or "tls" ? 443 : 80;
        return port is null || port == defaultPort
            ? $"{scheme}://{name}.{_options.BaseDomain}"
            : $"{scheme}://{name}.{_options.BaseDomain}:{port.Value.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The public HTTPS port: configured, else the port of this server's own HTTPS listener.</summary>
    private int? HttpsPort()
    {
        if (_options.PublicHttpsPort is { } configured)
        {
            return configured;
        }

        var addresses = _services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var https = addresses?.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        return https is null ? null : new Uri(https).Port;
    }

    private static HelloResultMessage Refusal(string code, string message) => new() { Ok = false, Error = new ControlError(code, message) };

    private static partial class Log
    {
        [LoggerMessage(EventIds.AgentConnected, LogLevel.Information, "Agent session {SessionId} connected for {OwnerId} from {RemoteAddress} (agent {AgentVersion})")]
        public static partial void AgentConnected(ILogger logger, string sessionId, string ownerId, IPAddress? remoteAddress, string? agentVersion);

        [LoggerMessage(EventIds.AgentDisconnected, LogLevel.Information, "Agent session {SessionId} ended: {Reason}")]
        public static partial void AgentDisconnected(ILogger logger, string sessionId, string reason);

        [LoggerMessage(EventIds.AgentRejected, LogLevel.Warning, "Refused an agent from {RemoteAddress}: {Code}")]
        public static partial void AgentRejected(ILogger logger, IPAddress? remoteAddress, string code);

        [LoggerMessage(EventIds.AgentHandshakeFailed, LogLevel.Information, "Agent handshake from {RemoteAddress} failed: {Reason}")]
        public static partial void HandshakeFailed(ILogger logger, IPAddress? remoteAddress, string reason);

        [LoggerMessage(EventIds.TunnelBound, LogLevel.Information, "Session {SessionId} bound {Name} at {Url}")]
        public static partial void TunnelBound(ILogger logger, string sessionId, string name, string url);

        [LoggerMessage(EventIds.TunnelUnbound, LogLevel.Information, "Session {SessionId} released {Name}")]
        public static partial void TunnelUnbound(ILogger logger, string sessionId, string name);

        [LoggerMessage(EventIds.BindRefused, LogLevel.Information, "Session {SessionId} was refused name {Name}: {Code} {Message}")]
        public static partial void BindRefused(ILogger logger, string sessionId, string? name, string code, string message);

        [LoggerMessage(EventIds.ControlProtocolError, LogLevel.Warning, "Session {SessionId} sent a malformed control message: {Message}")]
        public static partial void ControlProtocolError(ILogger logger, string sessionId, string message);
    }
}
