using Fdt.Edge.Diagnostics;
using Fdt.Edge.Forwarding;
using Fdt.Edge.Sessions;
using Fdt.Protocol.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Edge;

/// <summary>Adds the edge to the request pipeline.</summary>
public static class EdgeApplicationBuilderExtensions
{
    /// <summary>
    /// Puts tunnel routing first in the pipeline (requests to <c>NAME.BASE-DOMAIN</c> never reach
    /// the server's own endpoints), timed by the request metrics, then enables WebSockets for the
    /// agent endpoint.
    /// </summary>
    public static IApplicationBuilder UseFdtEdge(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<EdgeRequestMetricsMiddleware>();
        app.UseMiddleware<TunnelRoutingMiddleware>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        return app;
    }

    /// <summary>Maps the agent endpoint (<see cref="ControlProtocol.AgentEndpointPath"/>).</summary>
    public static IEndpointConventionBuilder MapFdtAgentEndpoint(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Map(ControlProtocol.AgentEndpointPath, static (HttpContext context) =>
            context.RequestServices.GetRequiredService<AgentConnectionHandler>().HandleAsync(context));
    }
}
