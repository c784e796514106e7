using Fdt.Edge.Diagnostics;
using Fdt.Edge.Forwarding;
using Fdt.Edge.Listeners;
using Fdt.Edge.Policy;
using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Fdt.Edge.Tcp;
using Fdt.Edge.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Edge;

/// <summary>Registers the edge role.</summary>
public static class EdgeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the relay edge (options from the <c>Edge</c> section). The host must also register an
    /// <see cref="Auth.IAgentAuthenticator"/>.
    /// </summary>
    public static IHostApplicationBuilder AddFdtEdge(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<EdgeOptions>()
            .BindConfiguration(EdgeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<EdgeMetricsOptions>().BindConfiguration(EdgeMetricsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<EdgeMetrics>();
        services.TryAddSingleton<ILeaseStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EdgeOptions>>().Value;
            return options.LeaseFile is null
                ? new InMemoryLeaseStore()
                : new FileLeaseStore(options.LeaseFile, sp.GetRequiredService<ILogger<FileLeaseStore>>());
        });
        services.TryAddSingleton(sp => new HostNameRouter(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.BaseDomain));
        services.TryAddSingleton<INameReservationPolicy, NoNameReservations>();
        services.TryAddSingleton<ITunnelPolicySource, NoTunnelPolicies>();
        services.TryAddSingleton<Inspection.ICaptureSink, Inspection.NoCapture>();
        services.TryAddSingleton<TcpTunnelListeners>();
        services.TryAddSingleton<TlsPassthrough>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITunnelObserver, TcpTunnelListeners>(sp => sp.GetRequiredService<TcpTunnelListeners>()));
        services.TryAddSingleton<TunnelRegistry>();
        services.TryAddSingleton<EdgeControl>();
        services.TryAddSingleton<AgentSessionRegistry>();
        services.TryAddSingleton<AgentConnectionHandler>();
        services.TryAddSingleton<TunnelForwarder>();
        services.AddHostedService<EdgeLifecycleService>();

        // Last registered wins for IP endpoints: agents' raw connections skip Kestrel's pipes.
        if (builder.Configuration.GetValue(EdgeOptions.SectionName + ":" + nameof(EdgeOptions.AgentFastPath), true))
        {
            services.AddSingleton<IConnectionListenerFactory, AgentFastPathListenerFactory>();
        }
        return builder;
    }
}
