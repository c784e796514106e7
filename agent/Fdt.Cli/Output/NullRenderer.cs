using Fdt.Agent.Events;

namespace Fdt.Cli.Output;

/// <summary><c>--log none</c>: shows nothing but a fatal error, on standard error.</summary>
internal sealed class NullRenderer(TextWriter standardError) : IEventRenderer
{
    public void Start(Func<TimeSpan?> roundTripTime)
    {
    }

    public void Post(AgentEvent agentEvent)
    {
    }

    public Task CompleteAsync(CliError? error)
    {
        if (error is not null)
        {
            ErrorOutput.Write(standardError, error);
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
