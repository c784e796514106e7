using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Fdt.Edge.Listeners;

/// <summary>
/// Lets one cleartext port serve both HTTP/1.1 and HTTP/2 with prior knowledge (h2c). Kestrel in
/// .NET 10 picks HTTP/1.1 for cleartext endpoints that allow both, because without TLS there is
/// no ALPN. This connection middleware peeks at the first bytes without consuming them (as
/// Kestrel's TLS listener does with the ClientHello): if they are the HTTP/2 connection preface,
/// it announces "h2" the way ALPN would, so Kestrel selects HTTP/2; anything else stays HTTP/1.1.
/// A connection that sends nothing is closed after <see cref="PrefaceTimeout"/>.
/// </summary>
internal sealed class H2cPriorKnowledgeMiddleware
{
    /// <summary>How long a new connection may stay silent.</summary>
    public static readonly TimeSpan PrefaceTimeout = TimeSpan.FromSeconds(30);

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private readonly ConnectionDelegate _next;

    public H2cPriorKnowledgeMiddleware(ConnectionDelegate next)
    {
        _next = next;
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        bool? isHttp2;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(PrefaceTimeout);
            try
            {
                isHttp2 = await DetectAsync(connection.Transport.Input, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                isHttp2 = null;
            }
        }

        if (isHttp2 is null)
        {
            connection.Abort();
            return;
        }

        if (isHttp2.Value)
        {
            var feature = new PriorKnowledgeFeature();
            connection.Features.Set<ITlsConnectionFeature>(feature);
            connection.Features.Set<ITlsApplicationProtocolFeature>(feature);
            connection.Features.Set<IH2cFeature>(feature);
        }

        await _next(connection);
    }

    /// <summary>True for the HTTP/2 preface, false for anything else, null if the connection ended first.</summary>
    internal static async ValueTask<bool?> DetectAsync(System.IO.Pipelines.PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            var matches = Matches(buffer.Slice(0, length));
            if (!matches || buffer.Length >= Preface.Length)
            {
                // Decided: leave every byte for the protocol handler.
                input.AdvanceTo(buffer.Start);
                return matches;
            }

            if (result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                return buffer.IsEmpty ? null : false;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool Matches(ReadOnlySequence<byte> prefix)
    {
        Span<byte> bytes = stackalloc byte[24];
        var span = bytes[..(int)prefix.Length];
        prefix.CopyTo(span);
        return span.SequenceEqual(Preface[..span.Length]);
    }

    /// <summary>Marks a connection that speaks h2c; its requests are plain http, not https.</summary>
    internal interface IH2cFeature;

    private sealed class PriorKnowledgeFeature : ITlsConnectionFeature, ITlsApplicationProtocolFeature, IH2cFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }

        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
