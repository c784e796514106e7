using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Fdt.Agent.Events;
using Fdt.Agent.Forwarding;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Fdt.Protocol.Mux;

namespace Fdt.Agent;

/// <summary>
/// The agent: connects to the edge over a WebSocket carrying the mux, authenticates, binds its
/// tunnels, and serves the data streams the edge opens. When the connection is lost (network
/// change, laptop sleep, edge restart) it reconnects with exponential backoff and jitter and asks
/// for the same names with the same resume key, so its URLs come back.
/// </summary>
public sealed class TunnelAgent
{
    private readonly AgentOptions _options;
    private readonly string _resumeKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string?[] _assignedNames;
    private readonly LocalStreamForwarder _forwarder;
    private volatile string? _transport;
    private volatile Dictionary<string, ActiveTunnel> _active = [];
    private volatile MuxSession? _session;
    private bool _connectedOnce;

    public TunnelAgent(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Tunnels.Count == 0)
        {
            throw new ArgumentException("At least one tunnel is required.", nameof(options));
        }

        _options = options;
        _assignedNames = new string?[options.Tunnels.Count];
        _forwarder = new LocalStreamForwarder(options, id => _active.GetValueOrDefault(id));
    }

    /// <summary>The transport of the current or last connection ("upgrade" or "websocket").</summary>
    public string? Transport => _transport;

    /// <summary>The last round trip measured to the edge, while connected.</summary>
    public TimeSpan? Rtt => _session?.LastRtt;

    /// <summary>Whether a session with the edge is up.</summary>
    public bool IsConnected => _session is { IsClosed: false };

    /// <summary>Writes the current session sent straight from the caller's buffer (plain-TCP connections to the edge).</summary>
    internal long GatheredWrites => _session?.GatheredWrites ?? 0;

    /// <summary>The tunnels bound in the current session.</summary>
    public IReadOnlyCollection<string> TunnelNames => [.. _active.Values.Select(t => t.Name)];

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is canceled (returns normally after closing
    /// cleanly) or the agent cannot go on (throws <see cref="AgentException"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var connector = new EdgeConnector(_options);
        var credentials = new AgentCredentials(_options, connector.Invoker);
        var attempt = 0;
        while (true)
        {
            Emit(new ConnectingEvent(Now, _options.ServerUrl, attempt));
            SessionEnd end;
            try
            {
                end = await RunSessionAsync(connector, credentials, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (AgentException)
            {
                throw;
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                end = new SessionEnd(Describe(ex), null, Established: false);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (!_connectedOnce && !_options.RetryFirstConnection)
            {
                throw new AgentException(AgentFailure.ServerUnreachable, null, $"Cannot reach the FDT server at {_options.ServerUrl}: {end.Reason}");
            }

            if (end.Established)
            {
                Emit(new ConnectionLostEvent(Now, end.Reason));
                attempt = 0;
            }

            var delay = end.ReconnectAfter ?? Backoff(attempt);
            attempt++;
            Emit(new ReconnectingEvent(Now, attempt, delay, end.Reason));
            try
            {
                await Task.Delay(delay, _options.TimeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal TimeSpan Backoff(int attempt)
    {
        var initial = _options.ReconnectInitialDelay.TotalMilliseconds;
        var max = _options.ReconnectMaxDelay.TotalMilliseconds;
        var ceiling = Math.Min(max, initial * Math.Pow(2, Math.Min(attempt, 30)));

        // Equal jitter: half fixed, half random, so a fleet of agents does not reconnect in lockstep.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    private async Task<SessionEnd> RunSessionAsync(EdgeConnector connector, AgentCredentials credentials, CancellationToken cancellationToken)
    {
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(_options.ConnectTimeout);
        Stream transport;
        string credential;
        bool fresh;
        try
        {
            (credential, fresh) = await credentials.GetAsync(connectTimeout.Token);
            transport = await connector.ConnectAsync(connectTimeout.Token);
            _transport = connector.LastTransport;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SessionEnd($"no answer within {_options.ConnectTimeout.TotalSeconds:0.#} s", null, Established: false);
        }

        var session = MuxSession.StartClient(transport, _options.CreateMuxOptions());
        ControlChannel? control = null;
        var established = false;
        try
        {
            control = new ControlChannel(await session.OpenStreamAsync(connectTimeout.Token));
            try
            {
                await HandshakeAsync(control, credential, connectTimeout.Token);
            }
            catch (AgentException ex) when (ex.Failure == AgentFailure.AuthenticationFailed && !fresh)
            {
                // A reused agent token can go stale (the server's keys changed): exchange once more.
                credentials.Invalidate();
                return new SessionEnd(ex.Message, TimeSpan.Zero, Established: false);
            }

            var active = await BindAllAsync(control, connectTimeout.Token);
            _active = active;
            _session = session;
            established = true;
            _connectedOnce = true;

            var drain = new DrainState();
            var controlLoop = ControlLoopAsync(control, drain, cancellationToken);
            var acceptLoop = AcceptLoopAsync(session, cancellationToken);
            var finished = await Task.WhenAny(controlLoop, session.Completion, WaitForCancellationAsync(cancellationToken));
            if (cancellationToken.IsCancellationRequested)
            {
                return new SessionEnd("stopped", null, established);
            }

            if (finished == controlLoop && controlLoop.IsFaulted && controlLoop.Exception!.InnerException is AgentException fatal)
            {
                throw fatal;
            }

            var reason = session.CloseReason?.Message ?? "the edge closed the control stream";
            if (drain.Draining)
            {
                return new SessionEnd("the edge restarted", drain.ReconnectAfter, established);
            }

            return new SessionEnd(reason, null, established);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !established)
        {
            return new SessionEnd("the edge did not complete the handshake in time", null, Established: false);
        }
        finally
        {
            _session = null;
            _active = [];
            if (control is not null && cancellationToken.IsCancellationRequested)
            {
                // A clean goodbye: the edge releases our names at once instead of holding them.
                (control.Stream as MuxStream)?.CloseWrite();
            }

            await session.CloseAsync();
        }
    }

    private async Task HandshakeAsync(ControlChannel control, string credential, CancellationToken cancellationToken)
    {
        await control.SendAsync(
            new HelloMessage
            {
                ProtocolVersion = ControlProtocol.Version,
                Authtoken = credential,
                AgentVersion = _options.AgentVersion,
                Platform = $"{OperatingSystem()}/{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}",
                ResumeKey = _resumeKey,
            },
            cancellationToken);
        var reply = await ReceiveAsync(control, cancellationToken);
        if (reply is not HelloResultMessage result)
        {
            throw new InvalidDataException("The edge did not answer hello.");
        }

        if (!result.Ok)
        {
            var error = result.Error ?? new ControlError(ErrorCodes.AuthenticationFailed, "The server refused the agent.");
            throw new AgentException(
                error.Code == ErrorCodes.UnsupportedProtocolVersion ? AgentFailure.IncompatibleServer : AgentFailure.AuthenticationFailed,
                error.Code,
                error.Message);
        }

        Emit(new SessionStartedEvent(Now, result.SessionId ?? string.Empty, result.Account, result.EdgeId, Resumed: _connectedOnce));
    }

    private async Task<Dictionary<string, ActiveTunnel>> BindAllAsync(ControlChannel control, CancellationToken cancellationToken)
    {
        var active = new Dictionary<string, ActiveTunnel>(StringComparer.Ordinal);
        for (var i = 0; i < _options.Tunnels.Count; i++)
        {
            var definition = _options.Tunnels[i];
            var requested = _assignedNames[i] ?? definition.Name;
            var result = await BindAsync(control, i + 1, definition, requested, cancellationToken);
            var renamed = false;
            if (!result.Ok && definition.Name is null && _assignedNames[i] is not null
                && result.Error?.Code is ErrorCodes.NameInUse or ErrorCodes.NameLeased)
            {
                // Our random name was given away while we were gone: take a new one.
                result = await BindAsync(control, i + 1, definition, null, cancellationToken);
                renamed = true;
            }

            if (!result.Ok)
            {
                var error = result.Error ?? new ControlError("unknown", "The server refused the tunnel.");
                throw new AgentException(AgentFailure.TunnelRefused, error.Code, error.Message);
            }

            _assignedNames[i] = result.Name;
            var tunnel = new ActiveTunnel(result.TunnelId!, result.Name!, result.Urls ?? [], definition);
            active[tunnel.TunnelId] = tunnel;
            Emit(new TunnelStartedEvent(Now, tunnel.TunnelId, tunnel.Name, tunnel.Urls, definition.Target.ToString(), renamed));
        }

        return active;
    }

    private static async Task<BindResultMessage> BindAsync(ControlChannel control, int requestId, TunnelDefinition definition, string? name, CancellationToken cancellationToken)
    {
        await control.SendAsync(
            new BindMessage
            {
                RequestId = requestId,
                Protocol = definition.Protocol,
                Name = name,
                LocalAddress = definition.Target.ToString(),
                HostHeader = definition.HostHeader,
                Scheme = definition.Scheme,
                RedirectHttps = definition.RedirectHttps,
                Policy = definition.Policy,
            },
            cancellationToken);
        while (true)
        {
            var message = await ReceiveAsync(control, cancellationToken);
            if (message is BindResultMessage result && result.RequestId == requestId)
            {
                return result;
            }
        }
    }

    private static async Task<ControlMessage> ReceiveAsync(ControlChannel control, CancellationToken cancellationToken)
        => await control.ReceiveAsync(cancellationToken) ?? throw new IOException("The edge closed the control stream.");

    private async Task ControlLoopAsync(ControlChannel control, DrainState drain, CancellationToken cancellationToken)
    {
        while (true)
        {
            ControlMessage? message;
            try
            {
                message = await control.ReceiveAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            switch (message)
            {
                case null:
                    return;
                case NoticeMessage notice:
                    Emit(new NoticeEvent(Now, notice.Level, notice.Code, notice.Message));
                    break;
                case RequestDeniedMessage denied:
                    var deniedName = _active.TryGetValue(denied.TunnelId, out var deniedTunnel) ? deniedTunnel.Name : denied.TunnelId;
                    Emit(new RequestDeniedEvent(Now, deniedName, denied.Method, denied.Path, denied.Status, denied.Code, denied.Rule, denied.Reason, denied.RemoteAddress, Math.Max(0, denied.Suppressed)));
                    break;
                case DrainMessage drainMessage:
                    drain.Draining = true;
                    drain.ReconnectAfter = TimeSpan.FromMilliseconds(Math.Clamp(drainMessage.ReconnectAfterMilliseconds, 0, 60_000));
                    Emit(new DrainingEvent(Now, drainMessage.Reason));
                    break;
                case UnbindMessage unbind:
                    var current = _active;
                    if (current.TryGetValue(unbind.TunnelId, out var tunnel))
                    {
                        var remaining = new Dictionary<string, ActiveTunnel>(current, StringComparer.Ordinal);
                        remaining.Remove(unbind.TunnelId);
                        _active = remaining;
                        var code = unbind.Error?.Code;
                        var text = unbind.Error?.Message ?? "The server stopped the tunnel.";
                        Emit(new TunnelStoppedEvent(Now, tunnel.Name, code, text));
                        if (code == ErrorCodes.AuthenticationFailed)
                        {
                            // The authtoken was revoked: reconnecting would be refused too.
                            throw new AgentException(AgentFailure.AuthenticationFailed, code, text);
                        }

                        if (remaining.Count == 0)
                        {
                            throw new AgentException(AgentFailure.TunnelStopped, code ?? ErrorCodes.TunnelStopped, text);
                        }
                    }

                    break;
                default:
                    break;
            }
        }
    }

    private async Task AcceptLoopAsync(MuxSession session, CancellationToken cancellationToken)
    {
        while (true)
        {
            MuxStream stream;
            try
            {
                stream = await session.AcceptStreamAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is MuxException or OperationCanceledException)
            {
                return;
            }

            _ = _forwarder.ServeAsync(stream, cancellationToken);
        }
    }

    private static async Task WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Emit(AgentEvent agentEvent) => _options.OnEvent?.Invoke(agentEvent);

    internal static Uri AgentEndpoint(Uri server) => EdgeConnector.Endpoint(server, webSocket: true);

    private static bool IsTransient(Exception ex)
        => ex is WebSocketException or HttpRequestException or IOException or InvalidDataException or ControlProtocolException or OperationCanceledException or System.Net.Sockets.SocketException;

    private static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null && inner is WebSocketException or HttpRequestException)
        {
            inner = inner.InnerException;
        }

        return inner switch
        {
            System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } => "connection refused",
            System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound } => "host not found",
            _ => inner.Message,
        };
    }

    private static string OperatingSystem() =>
        System.OperatingSystem.IsLinux() ? "linux"
        : System.OperatingSystem.IsMacOS() ? "macos"
        : System.OperatingSystem.IsWindows() ? "windows"
        : "other";

    private sealed record SessionEnd(string Reason, TimeSpan? ReconnectAfter, bool Established);

    private sealed class DrainState
    {
        public bool Draining { get; set; }

        public TimeSpan? ReconnectAfter { get; set; }
    }
}
