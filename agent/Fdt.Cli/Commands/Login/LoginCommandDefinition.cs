using System.CommandLine;

namespace Fdt.Cli.Commands.Login;

/// <summary>The syntax of <c>fdt login</c>; <see cref="LoginCommand"/> runs it.</summary>
internal sealed class LoginCommandDefinition : Command
{
    public LoginCommandDefinition()
        : base("login", "Sign in to the FDT server in your browser and save an authtoken for this computer in the config file.")
    {
        Add(Server);
        Add(NoBrowser);
        Add(Insecure);
    }

    public Option<string> Server { get; } = CommonOptions.Server();

    public Option<bool> NoBrowser { get; } = new("--no-browser")
    {
        Description = "Only print the sign-in URL and code; do not open a browser.",
    };

    public Option<bool> Insecure { get; } = CommonOptions.Insecure();

    public LoginCommandInput GetInput(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new LoginCommandInput
        {
            Server = parseResult.GetValue(Server),
            NoBrowser = parseResult.GetValue(NoBrowser),
            Insecure = parseResult.GetValue(Insecure),
        };
    }
}
