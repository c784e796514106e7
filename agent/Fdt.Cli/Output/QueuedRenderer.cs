using System.Threading.Channels;
using Fdt.Agent.Events;

namespace Fdt.Cli.Output;

/// <summary>
/// A renderer that writes one event at a time on its own task, in order: agent threads only
/// queue, so a slow or blocked standard output never stalls the agent.
/// </summary>
internal abstract class QueuedRenderer : IEventRenderer
{
    /// <summary>Events queued beyond this (output blocked for a long time) are dropped rather than held in memory.</summary>
    private const int Capacity = 10_000;

    private readonly Channel<AgentEvent> _events = Channel.CreateBounded<AgentEvent>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private Task? _pump;
    private bool _outputBroken;
    private int _completed;

    public void Start(Func<TimeSpan?> roundTripTime)
    {
        _pump ??= Task.Run(PumpAsync);
    }

    public void Post(AgentEvent agentEvent) => _events.Writer.TryWrite(agentEvent);

    public async Task CompleteAsync(CliError? error)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }

        _events.Writer.TryComplete();
        if (_pump is not null)
        {
            await _pump;
        }
        else
        {
            while (_events.Reader.TryRead(out var agentEvent))
            {
                SafeWrite(agentEvent);
            }
        }

        try
        {
            WriteEnd(error);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        if (_pump is not null)
        {
            await _pump;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Writes one event (on the renderer's task).</summary>
    protected abstract void Write(AgentEvent agentEvent);

    /// <summary>Writes how the run ended: stopped cleanly (null) or the error.</summary>
    protected abstract void WriteEnd(CliError? error);

    private async Task PumpAsync()
    {
        await foreach (var agentEvent in _events.Reader.ReadAllAsync())
        {
            SafeWrite(agentEvent);
        }
    }

    private void SafeWrite(AgentEvent agentEvent)
    {
        if (_outputBroken)
        {
            return;
        }

        try
        {
            Write(agentEvent);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Whoever read our output went away (closed pipe); the tunnel keeps working.
            _outputBroken = true;
        }
    }
}
