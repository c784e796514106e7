using Fdt.Agent;
using Fdt.Agent.Events;
using Fdt.Cli.Configuration;
using Fdt.Cli.Output;

namespace Fdt.Cli.Commands.Http;

/// <summary>
/// Runs <c>fdt http</c>: resolves settings, starts the agent with one HTTP tunnel, renders its
/// events until Ctrl+C/SIGTERM (exit 0) or a failure (the exit code of <see cref="ExitCodes"/>).
/// </summary>
internal sealed class HttpCommand(CliContext context)
{
    public async Task<int> ExecuteAsync(HttpCommandInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var format = LogFormats.Resolve(input.Log, context.IsOutputTerminal);
        await using var renderer = RendererFactory.Create(format, context);

        AgentOptions options;
        try
        {
            var store = CliConfigStore.ForEnvironment(context.Environment);
            var settings = SettingsResolver.Resolve(input.Server, input.Authtoken, context.Environment, store.Load(), store.Path);
            options = CreateOptions(input, settings, renderer.Post);
        }
        catch (UsageException ex)
        {
            return await FinishAsync(renderer, CliError.FromUsage(ex));
        }

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
        CliError? error = null;
        try
        {
            await agent.RunAsync(cancellationToken);
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
