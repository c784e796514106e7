using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Edge.Listeners;

/// <summary>Kestrel listener one-liners for the edge.</summary>
public static class ListenOptionsExtensions
{
    /// <summary>
    /// Serves HTTP/1.1 and HTTP/2 with prior knowledge (h2c) on one cleartext endpoint.
    /// </summary>
    public static ListenOptions UseH2cPriorKnowledge(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.Use(next => new H2cPriorKnowledgeMiddleware(next).OnConnectionAsync);
        return listen;
    }

    /// <summary>
    /// Routes TLS connections whose server name belongs to a TLS tunnel (<c>fdt tls</c>) to their
    /// agent unterminated; call before <c>UseHttps</c>, which terminates every other connection.
    /// </summary>
    public static ListenOptions UseTlsPassthrough(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(listen.ApplicationServices.GetRequiredService<Tls.TlsPassthrough>().Wrap);
        return listen;
    }
}
