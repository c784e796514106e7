using Fdt.Agent;
using Fdt.Cli.Commands.Http;

namespace Fdt.Cli.Tests;

/// <summary>An agent that runs a test's script instead of connecting anywhere.</summary>
internal sealed class FakeTunnelAgent(AgentOptions options, Func<AgentOptions, CancellationToken, Task> run) : ITunnelAgent
{
    public AgentOptions Options => options;

    public TimeSpan? Rtt { get; set; }

    public Task RunAsync(CancellationToken cancellationToken) => run(options, cancellationToken);
}
