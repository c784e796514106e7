using System.Net;
using System.Net.Sockets;

namespace Fdt.Testing;

/// <summary>
/// A TCP relay on 127.0.0.1 that tests put between two parties to cut the network:
/// <see cref="CutConnections"/> resets every relayed connection at once (as a Wi-Fi change does),
/// and <see cref="Block"/> / <see cref="Unblock"/> refuse or allow new connections.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _acceptLoop;
    private volatile bool _blocked;

    public TcpRelay(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Connections relayed so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Resets every open relayed connection (both sides see a connection reset).</summary>
    public void CutConnections()
    {
        List<Socket> sockets;
        lock (_lock)
        {
            sockets = [.. _sockets];
            _sockets.Clear();
        }

        foreach (var socket in sockets)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>New connections are accepted and reset at once until <see cref="Unblock"/>.</summary>
    public void Block() => _blocked = true;

    public void Unblock() => _blocked = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutConnections();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_blocked)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }

            Accepted++;
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception)
        {
            client.Close();
            server.Dispose();
            return;
        }

        lock (_lock)
        {
            _sockets.Add(client);
            _sockets.Add(server);
        }

        await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        client.Dispose();
        server.Dispose();
        lock (_lock)
        {
            _sockets.Remove(client);
            _sockets.Remove(server);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            try
            {
                to.LingerState = new LingerOption(true, 0);
                to.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
