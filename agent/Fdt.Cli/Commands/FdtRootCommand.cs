using System.CommandLine;
using Fdt.Cli.Commands.Config;
using Fdt.Cli.Commands.Http;
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

        var config = new ConfigCommandDefinition();
        config.AddAuthtoken.SetAction(parseResult => new ConfigCommand(context).AddAuthtoken(parseResult.GetRequiredValue(config.Token)));
        config.Set.SetAction(parseResult => new ConfigCommand(context).SetServer(parseResult.GetRequiredValue(config.Value)));
        config.Show.SetAction(_ => new ConfigCommand(context).Show());

        var version = new VersionCommandDefinition();
        version.SetAction(_ => new VersionCommand(context).Execute());

        var root = new RootCommand(Description)
        {
            http,
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
