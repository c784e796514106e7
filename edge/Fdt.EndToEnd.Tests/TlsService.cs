using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>
/// A local service that terminates TLS itself, with its own self-signed certificate for one host
/// name, and answers every HTTP request with a fixed body.
/// </summary>
internal sealed class TlsService : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private Task _accept = Task.CompletedTask;

    private TlsService(string host)
    {
        _certificate = TestCertificates.SelfSigned(host);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The service's certificate, for a visitor to trust.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    public static TlsService Start(string host)
    {
        var service = new TlsService(host);
        service._listener.Start();
        service._accept = service.AcceptAsync();
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _certificate.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                using var reader = new StreamReader(tls, Encoding.ASCII, leaveOpen: true);
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
                {
                }

                const string Body = "hello over the service's own TLS";
                await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}"), _stop.Token);
                await tls.ShutdownAsync();
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or AuthenticationException or SocketException)
            {
                // Visitors that do not trust the certificate hang up during the handshake.
            }
        }
    }
}
