using Fdt.Agent.Events;

namespace Fdt.Cli.Output;

/// <summary>Shows what the agent does in one of the output modes (tui, text, json, none).</summary>
internal interface IEventRenderer : IAsyncDisposable
{
    /// <summary>Starts showing events; <paramref name="roundTripTime"/> reads the agent's latest latency.</summary>
    void Start(Func<TimeSpan?> roundTripTime);

    /// <summary>Takes an event. Called on the agent's threads: never blocks, and is ignored after <see cref="CompleteAsync"/>.</summary>
    void Post(AgentEvent agentEvent);

    /// <summary>
    /// Shows everything posted so far, then how the run ended: stopped cleanly when
    /// <paramref name="error"/> is null, otherwise the error. Works whether or not <see cref="Start"/> was called.
    /// </summary>
    Task CompleteAsync(CliError? error);
}
