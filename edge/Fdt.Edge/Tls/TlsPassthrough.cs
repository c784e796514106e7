using System.Buffers;
using System.IO.Pipelines;
using Fdt.Edge.Routing;
using Fdt.Edge.Tcp;
using Fdt.Protocol.Control;
using Fdt.Protocol.Mux;
using Fdt.Protocol.Streams;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Edge.Tls;

/// <summary>
/// Connection middleware in front of the HTTPS listener's TLS. It reads the ClientHello's server
/// name without terminating anything; a name bound by a TLS tunnel (<c>fdt tls</c>) gets the raw
/// connection, ClientHello included, so the local service presents its own certificate. Every
/// other connection continues to TLS termination with the bytes read handed on unchanged. A
/// malformed ClientHello gets a decode_error alert and a close, one without a server name (SNI)
/// an unrecognized_name alert; one that does not arrive whole
/// within <see cref="EdgeOptions.TlsHelloTimeout"/> (a client trickling bytes) is closed.
/// </summary>
internal sealed partial class TlsPassthrough
{
    private static readonly byte[] DecodeErrorAlert = [21, 3, 3, 0, 2, 2, 50];
    private static readonly byte[] UnrecognizedNameAlert = [21, 3, 3, 0, 2, 2, 112];

    private readonly HostNameRouter _router;
    private readonly TunnelRegistry _tunnels;
    private readonly EdgeOptions _options;
    private readonly ILogger<TlsPassthrough> _logger;

    public TlsPassthrough(HostNameRouter router, TunnelRegistry tunnels, IOptions<EdgeOptions> options, ILogger<TlsPassthrough> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _router = router;
        _tunnels = tunnels;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The middleware, for <c>ListenOptions.Use</c> before <c>UseHttps</c>.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => OnConnectionAsync(connection, next);

    private async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        ReadOnlySequence<byte> buffer;
        ClientHelloStatus status;
        string? serverName;
        long helloLength;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(_options.TlsHelloTimeout);
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Log.HelloTimeout(_logger, connection.RemoteEndPoint?.ToString(), _options.TlsHelloTimeout);
                    connection.Abort(new ConnectionAbortedException("No whole TLS ClientHello within the edge's timeout."));
                    return;
                }

                buffer = result.Buffer;
                status = TlsClientHello.TryRead(buffer, out serverName, out helloLength);
                if (status == ClientHelloStatus.Incomplete && result.IsCompleted)
                {
                    status = ClientHelloStatus.Invalid;
                }

                if (status != ClientHelloStatus.Incomplete)
                {
                    break;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }

        if (status == ClientHelloStatus.Invalid)
        {
            input.AdvanceTo(buffer.End);
            Log.InvalidHello(_logger, connection.RemoteEndPoint?.ToString());
            await RefuseAsync(connection, DecodeErrorAlert);
            return;
        }

        if (serverName is null)
        {
            // Every tunnel is reached by name: without SNI there is nothing to route to.
            input.AdvanceTo(buffer.End);
            Log.NoServerName(_logger, connection.RemoteEndPoint?.ToString());
            await RefuseAsync(connection, UnrecognizedNameAlert);
            return;
        }

        // Everything read so far is handed on, whoever gets the connection.
        var read = buffer.ToArray();
        input.AdvanceTo(buffer.End);
        var binding = _router.TryGetName(serverName, out var name) ? _tunnels.FindByName(name) : null;
        if (binding is null || binding.Protocol != TunnelProtocol.Tls)
        {
            connection.Transport = new Pipe(new PrefixedPipeReader(read, input), connection.Transport.Output);
            await next(connection);
            return;
        }

        var visitor = (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address;
        if (binding.Policy.CheckAddress(visitor) is { } denied)
        {
            Log.AddressDenied(_logger, binding.Name, connection.RemoteEndPoint?.ToString());
            Fdt.Edge.Policy.PolicyDenials.Record(binding, 0, Fdt.Protocol.ErrorCodes.AddressDenied, "ip", denied, null, null, visitor);
            connection.Abort();
            return;
        }

        await PassThroughAsync(connection, binding, serverName, read);
    }

    private async Task PassThroughAsync(ConnectionContext connection, TunnelBinding binding, string serverName, byte[] hello)
    {
        binding.CountRequest();
        var raw = new RawTunnelConnection(binding, _options);
        MuxStream? stream = null;
        try
        {
            var header = new StreamHeader { TunnelId = binding.Id, Kind = StreamKind.Tls, RemoteEndPoint = connection.RemoteEndPoint?.ToString(), ServerName = serverName };
            (stream, var reply) = await raw.OpenAsync(header, connection.ConnectionClosed);
            if (stream is null)
            {
                Log.LocalServiceRefused(_logger, binding.Name, reply.Message ?? reply.Status.ToString());
                connection.Abort();
                return;
            }

            await stream.WriteAsync(hello, connection.ConnectionClosed);
            binding.CountTraffic(hello.Length, 0);
            var transport = connection.Transport;
            await using var visitorInput = transport.Input.AsStream();
            await using var visitorOutput = transport.Output.AsStream();
            await raw.PipeAsync(visitorInput, visitorOutput, stream, () => transport.Output.Complete(), () => connection.Abort(), connection.ConnectionClosed);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MuxException or IOException or InvalidDataException or ObjectDisposedException)
        {
            stream?.Reset();
            Log.PassthroughFailed(_logger, binding.Name, ex.Message);
            connection.Abort();
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static async Task RefuseAsync(ConnectionContext connection, byte[] alert)
    {
        try
        {
            await connection.Transport.Output.WriteAsync(alert);
            await connection.Transport.Output.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or ConnectionAbortedException)
        {
        }

        connection.Abort();
    }

    /// <summary>The connection's reader (with the bytes already read put back) and its writer.</summary>
    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.TlsHelloTimeout, LogLevel.Debug, "Closed a TLS connection from {Visitor}: no whole ClientHello within {Timeout}")]
        public static partial void HelloTimeout(ILogger logger, string? visitor, TimeSpan timeout);

        [LoggerMessage(EventIds.TlsInvalidHello, LogLevel.Debug, "Refused a connection from {Visitor} on the HTTPS port: not a TLS ClientHello")]
        public static partial void InvalidHello(ILogger logger, string? visitor);

        [LoggerMessage(EventIds.TlsNoServerName, LogLevel.Debug, "Refused a TLS connection from {Visitor}: the ClientHello names no server")]
        public static partial void NoServerName(ILogger logger, string? visitor);

        [LoggerMessage(EventIds.TlsAddressDenied, LogLevel.Information, "TLS tunnel {Name} refused a connection from {Visitor}: its IP rules do not admit it")]
        public static partial void AddressDenied(ILogger logger, string name, string? visitor);

        [LoggerMessage(EventIds.TlsLocalRefused, LogLevel.Information, "TLS tunnel {Name}: the agent could not reach the local service: {Message}")]
        public static partial void LocalServiceRefused(ILogger logger, string name, string message);

        [LoggerMessage(EventIds.TlsPassthroughFailed, LogLevel.Debug, "A connection through TLS tunnel {Name} ended with an error: {Message}")]
        public static partial void PassthroughFailed(ILogger logger, string name, string message);
    }
}
