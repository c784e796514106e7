using System.CommandLine;

namespace Fdt.Cli.Commands.Logout;

/// <summary>The syntax of <c>fdt logout</c>; <see cref="LogoutCommand"/> runs it.</summary>
internal sealed class LogoutCommandDefinition : Command
{
    public LogoutCommandDefinition()
        : base("logout", "Revoke the config file's authtoken on the FDT server and remove it from the config file.")
    {
        Add(Server);
        Add(Insecure);
    }

    public Option<string> Server { get; } = CommonOptions.Server();

    public Option<bool> Insecure { get; } = CommonOptions.Insecure();

    public LogoutCommandInput GetInput(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new LogoutCommandInput
        {
            Server = parseResult.GetValue(Server),
            Insecure = parseResult.GetValue(Insecure),
        };
    }
}
