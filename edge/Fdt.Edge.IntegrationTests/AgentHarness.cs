using System.Threading.Channels;
using Fdt.Agent;
using Fdt.Agent.Events;
using Fdt.Protocol.Control;

namespace Fdt.Edge.IntegrationTests;

/// <summary>An in-process agent whose events a test can wait for.</summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    private readonly Channel<AgentEvent> _events = Channel.CreateUnbounded<AgentEvent>();
    private readonly List<AgentEvent> _history = [];
    private readonly CancellationTokenSource _stop = new();

    private AgentHarness(AgentOptions options)
    {
        Options = options with { OnEvent = e => _events.Writer.TryWrite(e) };
        Agent = new TunnelAgent(Options);
        Run = Task.Run(() => Agent.RunAsync(_stop.Token));
    }

    public AgentOptions Options { get; }

    public TunnelAgent Agent { get; }

    /// <summary>Completes when the agent stops (faults with <see cref="AgentException"/> on a fatal error).</summary>
    public Task Run { get; }

    public static AgentHarness Start(Uri server, string target, string? name = null, string token = EdgeTestHost.Token, Func<AgentOptions, AgentOptions>? configure = null)
    {
        if (!LocalTarget.TryParse(target, out var local, out var error))
        {
            throw new ArgumentException(error, nameof(target));
        }

        var options = new AgentOptions
        {
            ServerUrl = server,
            Authtoken = token,
            Tunnels = [new TunnelDefinition { Protocol = TunnelProtocol.Http, Target = local, Name = name }],
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            KeepAliveInterval = TimeSpan.FromSeconds(1),
            KeepAliveTimeout = TimeSpan.FromSeconds(3),
        };
        return new AgentHarness(configure is null ? options : configure(options));
    }

    /// <summary>Waits for the next event of type <typeparamref name="T"/> matching <paramref name="match"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : AgentEvent
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(cts.Token);
                _history.Add(next);
                if (next is T typed && (match is null || match(typed)))
                {
                    return typed;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            var fault = Run.IsFaulted ? $" The agent stopped: {Run.Exception!.InnerException!.Message}" : string.Empty;
            throw new TimeoutException($"No {typeof(T).Name} arrived. Events so far: {string.Join(", ", _history.Select(e => e.GetType().Name))}.{fault}");
        }
    }

    /// <summary>Waits for the tunnel to be up and returns its public URL.</summary>
    public async Task<TunnelStartedEvent> WaitForTunnelAsync() => await WaitForAsync<TunnelStartedEvent>();

    /// <summary>Stops the agent as Ctrl-C would.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Run;
        }
        catch (AgentException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
