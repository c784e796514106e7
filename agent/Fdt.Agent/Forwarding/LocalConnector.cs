using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Fdt.Agent.Forwarding;

/// <summary>Opens connections to a tunnel's local service (TCP, and TLS for https:// targets).</summary>
internal static class LocalConnector
{
    /// <summary>Connects within <paramref name="timeout"/> (an <see cref="OperationCanceledException"/> when it passes).</summary>
    public static async Task<(Socket Socket, Stream Stream)> ConnectAsync(LocalTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (IPAddress.TryParse(target.Host, out var address))
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), limit.Token);
            }
            else
            {
                await socket.ConnectAsync(new DnsEndPoint(target.Host, target.Port), limit.Token);
            }

            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (target.UseTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = target.Host,
                        // Local services commonly use self-signed certificates; the edge-to-agent hop is what is protected.
#pragma warning disable CA5359
                        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
                    },
                    limit.Token);
                stream = tls;
            }

            return (socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Why a connection failed, in words for the user.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused (is the service running?)",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "host not found",
        SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable } => "unreachable",
        AuthenticationException => "TLS handshake failed: " + ex.Message,
        _ => ex.Message,
    };
}
