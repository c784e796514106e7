using System.CommandLine;
using Fdt.Cli.Commands.Config;
using Fdt.Cli.Commands.Http;
using Fdt.Cli.Commands.Login;
using Fdt.Cli.Commands.Logout;
using Fdt.Cli.Commands.Tcp;
using Fdt.Cli.Commands.Tunnels;
using Fdt.Cli.Commands.Version;

namespace Fdt.Cli.Commands;

/// <summary>Builds the <c>fdt</c> command tree and wires each command's syntax to its behaviour.</summary>
internal static class FdtRootCommand
{
    public const string Description =
        "fdt exposes local services at public URLs of an FDT server.\n\n" + ExitCodes.HelpText;

    public static RootCommand Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var http = new HttpCommandDefinition();
        http.SetAction((parseResult, cancellationToken) => new HttpCommand(context).ExecuteAsync(http.GetInput(parseResult), cancellationToken));

        var tcp = new TcpCommandDefinition();
        tcp.SetAction((parseResult, cancellationToken) => new HttpCommand(context).ExecuteAsync(tcp.GetInput(parseResult), cancellationToken));

        var tls = new TlsCommandDefinition();
        tls.SetAction((parseResult, cancellationToken) => new HttpCommand(context).ExecuteAsync(tls.GetInput(parseResult), cancellationToken));

        var tunnels = new TunnelsCommandDefinition();
        tunnels.SetAction((parseResult, cancellationToken) => new TunnelsCommand(context).ListAsync(tunnels.GetInput(parseResult), cancellationToken));
        tunnels.List.SetAction((parseResult, cancellationToken) => new TunnelsCommand(context).ListAsync(tunnels.GetInput(parseResult), cancellationToken));
        tunnels.Stop.SetAction((parseResult, cancellationToken) => new TunnelsCommand(context).StopAsync(tunnels.GetInput(parseResult), parseResult.GetRequiredValue(tunnels.Ids), cancellationToken));

        var login = new LoginCommandDefinition();
        login.SetAction((parseResult, cancellationToken) => new LoginCommand(context).ExecuteAsync(login.GetInput(parseResult), cancellationToken));

        var logout = new LogoutCommandDefinition();
        logout.SetAction((parseResult, cancellationToken) => new LogoutCommand(context).ExecuteAsync(logout.GetInput(parseResult), cancellationToken));

        var config = new ConfigCommandDefinition();
        config.AddAuthtoken.SetAction(parseResult => new ConfigCommand(context).AddAuthtoken(parseResult.GetRequiredValue(config.Token)));
        config.Set.SetAction(parseResult => new ConfigCommand(context).SetServer(parseResult.GetRequiredValue(config.Value)));
        config.Show.SetAction(_ => new ConfigCommand(context).Show());

        var version = new VersionCommandDefinition();
        version.SetAction(_ => new VersionCommand(context).Execute());

        var root = new RootCommand(Description)
        {
            http,
            tcp,
            tls,
            tunnels,
            login,
            logout,
            config,
            version,
        };
        foreach (var option in root.Options)
        {
            if (option is VersionOption versionOption)
            {
                versionOption.Action = new VersionOptionAction(context);
            }
        }

        return root;
    }
}
