using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Fdt.Edge.Listeners;

/// <summary>One listening socket: see <see cref="AgentFastPathListenerFactory"/>.</summary>
internal sealed partial class AgentFastPathListener : IConnectionListener
{
    /// <summary>A new connection that sends nothing for this long is handed to Kestrel, whose timeouts then apply.</summary>
    private static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _listenSocket;
    private readonly SocketConnectionContextFactory _factory;
    private readonly bool _noDelay;
    private readonly AgentConnectionHandler _agents;
    private readonly HostNameRouter _router;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _accepted = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public AgentFastPathListener(Socket listenSocket, SocketConnectionContextFactory factory, bool noDelay, AgentConnectionHandler agents, HostNameRouter router, ILogger logger)
    {
        _listenSocket = listenSocket;
        _factory = factory;
        _noDelay = noDelay;
        _agents = agents;
        _router = router;
        _logger = logger;
        EndPoint = listenSocket.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        await _stop.CancelAsync();
        _listenSocket.Dispose();
        await _acceptLoop;
        _accepted.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync();
        _factory.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listenSocket.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                // A connection that failed while being accepted (e.g. reset): keep accepting.
                continue;
            }

            socket.NoDelay = _noDelay;
            _ = ClassifyAsync(socket);
        }
    }

    /// <summary>Peeks at the first bytes (without consuming them) to tell an agent from everyone else.</summary>
    private async Task ClassifyAsync(Socket socket)
    {
        var headLength = 0;
        var buffer = new byte[AgentUpgradeRequest.MaxHeadLength];
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(FirstBytesTimeout);
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, timeout.Token);
            var peeked = await socket.ReceiveAsync(buffer, SocketFlags.Peek, timeout.Token);
            if (AgentUpgradeRequest.MayBeAgent(buffer.AsSpan(0, peeked)))
            {
                headLength = AgentUpgradeRequest.Match(buffer.AsSpan(0, peeked), _router);
            }
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            // Silent so far: Kestrel's own timeouts decide.
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            socket.Dispose();
            return;
        }

        if (headLength == 0)
        {
            _accepted.Writer.TryWrite(_factory.Create(socket));
            return;
        }

        await ServeAgentAsync(socket, headLength);
    }

    private async Task ServeAgentAsync(Socket socket, int headLength)
    {
        var remote = (socket.RemoteEndPoint as IPEndPoint)?.Address;
        var local = (socket.LocalEndPoint as IPEndPoint)?.Port ?? 0;
        var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            // Consume the request head that was peeked, then switch protocols.
            await stream.ReadExactlyAsync(new byte[headLength], _stop.Token);
            await stream.WriteAsync(AgentUpgradeRequest.SwitchingProtocols.ToArray(), _stop.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
        {
            await stream.DisposeAsync();
            return;
        }

        Log.AgentFastPath(_logger, remote);
        var mux = _agents.StartSession(stream);
        await _agents.RunAsync(mux, remote, local, AgentTransportKinds.Socket);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.AgentFastPath, LogLevel.Debug, "Agent connection from {RemoteAddress} served on its own socket")]
        public static partial void AgentFastPath(ILogger logger, IPAddress? remoteAddress);
    }
}
