using System.Net.Sockets;
using Fdt.Agent;
using Fdt.Agent.Events;
using Fdt.Agent.Inspection;
using Fdt.Agent.Inspection.Replay;
using Fdt.Agent.Inspection.Web;
using Fdt.Cli.Configuration;
using Fdt.Cli.Output;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Commands.Http;

/// <summary>
/// Runs <c>fdt http</c>: resolves settings, starts the agent with one HTTP tunnel and its local
/// inspector, renders its events until Ctrl+C/SIGTERM (exit 0) or a failure (the exit code of
/// <see cref="ExitCodes"/>).
/// </summary>
internal sealed class HttpCommand(CliContext context)
{
    /// <summary>How long the inspector waits for the first tunnel before starting anyway.</summary>
    private static readonly TimeSpan InspectorStartDelay = TimeSpan.FromMilliseconds(500);

    public async Task<int> ExecuteAsync(HttpCommandInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var format = LogFormats.Resolve(input.Log, context.IsOutputTerminal);
        await using var renderer = RendererFactory.Create(format, context);

        // Set when the first tunnel is up: the inspector starts then (or after a short wait), so it never delays the URL.
        var firstTunnel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AgentOptions options;
        try
        {
            var store = CliConfigStore.ForEnvironment(context.Environment);
            var settings = SettingsResolver.Resolve(input.Server, input.Authtoken, context.Environment, store.Load(), store.Path);
            options = CreateOptions(input, settings, e =>
            {
                if (e is TunnelStartedEvent)
                {
                    firstTunnel.TrySetResult();
                }

                renderer.Post(e);
            });
        }
        catch (UsageException ex)
        {
            return await FinishAsync(renderer, CliError.FromUsage(ex));
        }

        var inspectAddress = input.Protocol == TunnelProtocol.Http && input.Inspect ? input.InspectAddress ?? context.DefaultInspectAddress : null;
        var capture = inspectAddress is null ? null : new CaptureStore(input.Capture, context.TimeProvider);
        options = options with { Capture = capture };
        ITunnelAgent agent;
        try
        {
            agent = context.CreateAgent(options);
        }
        catch (Exception ex)
        {
            return await FinishAsync(renderer, CliError.Unexpected(ex));
        }

        renderer.Start(() => agent.Rtt);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task run;
        try
        {
            run = agent.RunAsync(stop.Token);
        }
        catch (Exception ex)
        {
            run = Task.FromException(ex);
        }

        // The inspector starts once the tunnel is up (or the connection takes a while), so it adds
        // nothing to the time to a URL; what passes before is captured already.
        if (capture is not null)
        {
            await Task.WhenAny(firstTunnel.Task, run, Task.Delay(InspectorStartDelay, context.TimeProvider, cancellationToken));
        }

        var (inspector, inspectorError) = capture is null || run.IsCompleted
            ? (null, null)
            : await StartInspectorAsync(inspectAddress!, input.InspectAddress is not null, capture, options, renderer, cancellationToken);
        await using var inspectorScope = inspector;
        if (inspectorError is not null)
        {
            await stop.CancelAsync();
            await run.ContinueWith(static _ => { }, TaskScheduler.Default);
            return await FinishAsync(renderer, inspectorError);
        }

        CliError? error = null;
        try
        {
            await run;
        }
        catch (AgentException ex)
        {
            error = CliError.FromAgent(ex, options.ServerUrl);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The user asked to stop (Ctrl+C, SIGTERM): a failure while closing does not make that an error.
        }
        catch (Exception ex)
        {
            error = CliError.Unexpected(ex);
        }

        return await FinishAsync(renderer, error);
    }

    /// <summary>
    /// Serves the inspector when it is on. Without --inspect-addr, a taken port 4040 moves on to
    /// 4041…4049 and, when all are taken, the tunnel runs without an inspector (a warning); an
    /// address the user named that cannot be used is an error.
    /// </summary>
    private async Task<(InspectorServer? Server, CliError? Error)> StartInspectorAsync(
        InspectorAddress address, bool explicitAddress, CaptureStore capture, AgentOptions options, IEventRenderer renderer, CancellationToken cancellationToken)
    {
        try
        {
            var replayer = new ExchangeReplayer(capture, options.LocalConnectTimeout, renderer.Post);
            var server = await InspectorServer.StartAsync(address, explicitAddress ? 0 : 9, capture, replayer, CliVersion.Current, cancellationToken);
            renderer.Post(new InspectorStartedEvent(context.TimeProvider.GetUtcNow(), server.Url));
            return (server, null);
        }
        catch (Exception ex) when (ex is InspectorUnavailableException or SocketException)
        {
            if (explicitAddress)
            {
                var message = ex is InspectorUnavailableException ? ex.Message : $"The inspector cannot listen on {address}: {ex.Message}";
                return (null, new CliError(ExitCodes.UsageError, message, null, "Choose another --inspect-addr, or turn the inspector off with --inspect=false."));
            }

            renderer.Post(new InspectorUnavailableEvent(context.TimeProvider.GetUtcNow(), ex.Message));
            capture.Disable();
            return (null, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, null);
        }
    }

    internal AgentOptions CreateOptions(HttpCommandInput input, CliSettings settings, Action<AgentEvent> onEvent) => new()
    {
        ServerUrl = settings.Server,
        Authtoken = settings.Authtoken,
        Tunnels =
        [
            new TunnelDefinition
            {
                Protocol = input.Protocol,
                Target = input.Target,
                Name = input.Subdomain,
                HostHeader = input.HostHeader,
                Scheme = input.Scheme,
                RedirectHttps = input.RedirectHttps,
                Policy = input.Policy,
            },
        ],
        InsecureSkipVerify = input.Insecure,
        Transport = input.Transport,
        OnEvent = onEvent,
        TimeProvider = context.TimeProvider,
        AgentVersion = CliVersion.Current,
    };

    private static async Task<int> FinishAsync(IEventRenderer renderer, CliError? error)
    {
        await renderer.CompleteAsync(error);
        return error?.ExitCode ?? ExitCodes.Success;
    }
}
