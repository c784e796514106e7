using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Fdt.Edge.Routing;
using Fdt.Protocol.Mux;
using Fdt.Protocol.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Edge.Tcp;

/// <summary>
/// The public ports of TCP tunnels. Each bound TCP tunnel gets a listening socket on its port;
/// every visitor connection becomes one data stream to the agent (header kind tcp, with the
/// visitor's address), piped both ways with half-close kept. The port stops listening the moment
/// the tunnel ends, so connections to a tunnel whose agent is gone are refused by the OS at once.
/// </summary>
public sealed partial class TcpTunnelListeners : ITunnelObserver, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private readonly EdgeOptions _options;
    private readonly ILogger<TcpTunnelListeners> _logger;

    public TcpTunnelListeners(IOptions<EdgeOptions> options, ILogger<TcpTunnelListeners> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Starts listening for a bound TCP tunnel; false (with why) when the port cannot be had.</summary>
    internal bool TryStart(TunnelBinding binding, int port, out string? error)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var address = _options.TcpListenAddress == "*" ? IPAddress.IPv6Any : IPAddress.Parse(_options.TcpListenAddress);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            error = $"Port {port} cannot be listened on: {ex.Message}";
            return false;
        }

        var listener = new Listener(this, binding, socket);
        _listeners[binding.Id] = listener;
        listener.Start();
        Log.Listening(_logger, binding.Name, port);
        error = null;
        return true;
    }

    /// <summary>Live visitor connections of a tunnel (for tests and metrics).</summary>
    public int ConnectionCount(string tunnelId) => _listeners.TryGetValue(tunnelId, out var listener) ? listener.Connections : 0;

    public void OnBound(TunnelBinding binding)
    {
    }

    public void OnReleased(TunnelBinding binding, bool leased)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (_listeners.TryRemove(binding.Id, out var listener))
        {
            listener.Stop();
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners.Values)
        {
            listener.Stop();
        }

        _listeners.Clear();
        return ValueTask.CompletedTask;
    }

    private sealed class Listener(TcpTunnelListeners owner, TunnelBinding binding, Socket socket) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<Socket, byte> _visitors = new();
        private int _connections;

        public int Connections => Volatile.Read(ref _connections);

        public void Start() => _ = AcceptLoopAsync();

        public void Dispose() => Stop();

        public void Stop()
        {
            _stop.Cancel();
            socket.Dispose();
            foreach (var visitor in _visitors.Keys)
            {
                visitor.Dispose();
            }
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket visitor;
                try
                {
                    visitor = await socket.AcceptAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return;
                }

                var address = (visitor.RemoteEndPoint as IPEndPoint)?.Address;
                if (binding.Policy.CheckAddress(address) is { } denied)
                {
                    Log.AddressDenied(owner._logger, binding.Name, visitor.RemoteEndPoint?.ToString());
                    Fdt.Edge.Policy.PolicyDenials.Record(binding, 0, Fdt.Protocol.ErrorCodes.AddressDenied, "ip", denied, null, null, address);
                    visitor.Close(0);
                    continue;
                }

                if (Interlocked.Increment(ref _connections) > owner._options.MaxConnectionsPerTunnel)
                {
                    Interlocked.Decrement(ref _connections);
                    Log.ConnectionLimit(owner._logger, binding.Name, owner._options.MaxConnectionsPerTunnel, visitor.RemoteEndPoint?.ToString());

                    // A reset, not an orderly close: the client learns at once that it was refused.
                    visitor.Close(0);
                    continue;
                }

                _ = ServeAsync(visitor);
            }
        }

        private async Task ServeAsync(Socket visitor)
        {
            _visitors[visitor] = 0;
            var connection = new RawTunnelConnection(binding, owner._options);
            MuxStream? stream = null;
            try
            {
                visitor.NoDelay = true;
                binding.CountRequest();
                var header = new StreamHeader { TunnelId = binding.Id, Kind = StreamKind.Tcp, RemoteEndPoint = visitor.RemoteEndPoint?.ToString() };
                (stream, var reply) = await connection.OpenAsync(header, _stop.Token);
                if (stream is null)
                {
                    Log.LocalServiceRefused(owner._logger, binding.Name, reply.Message ?? reply.Status.ToString());
                    visitor.Close(0);
                    return;
                }

                await using var network = new NetworkStream(visitor, ownsSocket: false);
                if (await connection.PipeAsync(network, network, stream, () => visitor.Shutdown(SocketShutdown.Send), () => visitor.Close(0), _stop.Token))
                {
                    Log.IdleTimeout(owner._logger, binding.Name, owner._options.TcpIdleTimeout);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or MuxException or IOException or InvalidDataException)
            {
                stream?.Reset();
                Log.ConnectionFailed(owner._logger, binding.Name, ex.Message);
            }
            finally
            {
                _visitors.TryRemove(visitor, out _);
                Interlocked.Decrement(ref _connections);
                visitor.Dispose();
                if (stream is not null)
                {
                    await stream.DisposeAsync();
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.TcpListening, LogLevel.Information, "TCP tunnel {Name} listens on port {Port}")]
        public static partial void Listening(ILogger logger, string name, int port);

        [LoggerMessage(EventIds.TcpConnectionLimit, LogLevel.Warning, "TCP tunnel {Name} refused a connection from {Visitor}: it already carries {Limit} connections (Edge:MaxConnectionsPerTunnel)")]
        public static partial void ConnectionLimit(ILogger logger, string name, int limit, string? visitor);

        [LoggerMessage(EventIds.TcpConnectionFailed, LogLevel.Debug, "A connection through TCP tunnel {Name} ended with an error: {Message}")]
        public static partial void ConnectionFailed(ILogger logger, string name, string message);

        [LoggerMessage(EventIds.TcpLocalRefused, LogLevel.Information, "TCP tunnel {Name}: the agent could not reach the local service: {Message}")]
        public static partial void LocalServiceRefused(ILogger logger, string name, string message);

        [LoggerMessage(EventIds.TcpAddressDenied, LogLevel.Information, "Tunnel {Name} refused a connection from {Visitor}: its IP rules do not admit it")]
        public static partial void AddressDenied(ILogger logger, string name, string? visitor);

        [LoggerMessage(EventIds.TcpIdleTimeout, LogLevel.Information, "TCP tunnel {Name} closed a connection idle for {Timeout}")]
        public static partial void IdleTimeout(ILogger logger, string name, TimeSpan timeout);
    }
}
