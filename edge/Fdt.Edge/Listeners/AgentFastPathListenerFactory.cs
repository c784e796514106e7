using System.Net;
using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Edge.Listeners;

/// <summary>
/// Kestrel's transport for the edge's cleartext IP endpoints: it accepts sockets itself, serves
/// agents' raw upgrade connections directly on their socket (large reads, no pipe or output
/// thread in between: the agent connection carries all of a tunnel's traffic), and hands every
/// other connection to Kestrel exactly as its own socket transport would.
/// </summary>
internal sealed class AgentFastPathListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportOptions _socketOptions;
    private readonly AgentConnectionHandler _agents;
    private readonly HostNameRouter _router;
    private readonly ILoggerFactory _loggerFactory;

    public AgentFastPathListenerFactory(IOptions<SocketTransportOptions> socketOptions, AgentConnectionHandler agents, HostNameRouter router, ILoggerFactory loggerFactory)
    {
        _socketOptions = socketOptions.Value;
        _agents = agents;
        _router = router;
        _loggerFactory = loggerFactory;
    }

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = _socketOptions.CreateBoundListenSocket(endpoint);
        socket.Listen(_socketOptions.Backlog);
        var factory = new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions
            {
                IOQueueCount = _socketOptions.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = _socketOptions.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = _socketOptions.MaxReadBufferSize,
                MaxWriteBufferSize = _socketOptions.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = _socketOptions.UnsafePreferInlineScheduling,
            },
            _loggerFactory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        return ValueTask.FromResult<IConnectionListener>(new AgentFastPathListener(socket, factory, _socketOptions.NoDelay, _agents, _router, _loggerFactory.CreateLogger<AgentFastPathListener>()));
    }
}
