namespace Fdt.Cli.Commands.Http;

/// <summary>What <c>fdt http</c> needs from the agent, so tests can run the command without a server.</summary>
internal interface ITunnelAgent
{
    /// <summary>The last round trip measured to the server, while connected.</summary>
    TimeSpan? Rtt { get; }

    /// <summary>Runs until canceled (returns) or the agent cannot go on (throws <see cref="Fdt.Agent.AgentException"/>).</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
