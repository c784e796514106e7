using Fdt.Agent;

namespace Fdt.Cli.Commands.Http;

/// <summary>The real agent behind <see cref="ITunnelAgent"/>.</summary>
internal sealed class TunnelAgentRunner(TunnelAgent agent) : ITunnelAgent
{
    public TimeSpan? Rtt => agent.Rtt;

    public Task RunAsync(CancellationToken cancellationToken) => agent.RunAsync(cancellationToken);
}
