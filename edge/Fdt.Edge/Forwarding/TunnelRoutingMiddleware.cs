using Fdt.Edge.Errors;
using Fdt.Edge.Listeners;
using Fdt.Edge.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fdt.Edge.Forwarding;

/// <summary>
/// First in the pipeline: a request whose Host is <c>NAME.BASE-DOMAIN</c> belongs to a tunnel and
/// is forwarded (or answered with an edge error page); every other request continues to the
/// server's own endpoints (agent endpoint, API, console).
/// </summary>
internal sealed class TunnelRoutingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly HostNameRouter _router;
    private readonly TunnelRegistry _tunnels;
    private readonly TunnelForwarder _forwarder;
    private readonly bool _trustForwarded;

    public TunnelRoutingMiddleware(RequestDelegate next, HostNameRouter router, TunnelRegistry tunnels, TunnelForwarder forwarder, Microsoft.Extensions.Options.IOptions<EdgeOptions> options)
    {
        _trustForwarded = options.Value.TrustForwardedHeaders;
        _next = next;
        _router = router;
        _tunnels = tunnels;
        _forwarder = forwarder;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!_router.TryGetName(context.Request.Host.Value, out var name))
        {
            return _next(context);
        }

        var binding = _tunnels.FindByName(name);
        if (binding is not null && binding.Protocol != Fdt.Protocol.Control.TunnelProtocol.Http)
        {
            // TCP tunnels are reached on their own port, never by host name.
            return ErrorPageWriter.WriteAsync(context, EdgeError.TunnelNotFound);
        }

        if (binding is null)
        {
            // A leased name belongs to an agent that lost its connection and is expected back.
            return ErrorPageWriter.WriteAsync(context, _tunnels.IsLeased(name) ? EdgeError.AgentOffline : EdgeError.TunnelNotFound);
        }

        if (context.Features.Get<ITlsConnectionFeature>() is H2cPriorKnowledgeMiddleware.IH2cFeature)
        {
            // h2c borrows the TLS features to select HTTP/2; the visitor's scheme is plain http.
            context.Request.Scheme = "http";
        }

        var secure = context.Request.IsHttps;
        if (!secure && binding.RedirectToHttps)
        {
            // 308 keeps the method and body, unlike 301/302.
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = $"{binding.HttpsUrl}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
            return Task.CompletedTask;
        }

        if (secure ? !binding.ServesHttps : !binding.ServesHttp)
        {
            return ErrorPageWriter.WriteAsync(context, EdgeError.TunnelNotFound);
        }

        // Traffic policy, before any byte reaches the agent.
        var policy = binding.Policy;
        if (!policy.Admits(VisitorAddress(context)))
        {
            return ErrorPageWriter.WriteAsync(context, EdgeError.AddressDenied);
        }

        if (!policy.Authenticates(context.Request.Headers.Authorization))
        {
            return ErrorPageWriter.WriteAsync(context, EdgeError.AuthenticationRequired, $"Basic realm=\"{binding.Name}\", charset=\"UTF-8\"");
        }

        if (policy.MaxRequestBodyBytes is { } max && context.Request.ContentLength > max)
        {
            return ErrorPageWriter.WriteAsync(context, EdgeError.BodyTooLarge);
        }

        // No server-wide body limit for tunnel traffic: the tunnel's policy sets it (or none).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = policy.MaxRequestBodyBytes;
        }

        return _forwarder.ForwardAsync(context, binding);
    }

    /// <summary>The visitor's address: the connection's, or the first X-Forwarded-For entry when the edge trusts a proxy in front of it.</summary>
    private System.Net.IPAddress? VisitorAddress(HttpContext context)
    {
        if (_trustForwarded && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            return System.Net.IPAddress.TryParse(first, out var address) ? address : null;
        }

        return context.Connection.RemoteIpAddress;
    }
}
