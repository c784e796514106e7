using System.CommandLine;

namespace Fdt.Cli.Commands.Config;

/// <summary>
/// The syntax of <c>fdt config add-authtoken &lt;token&gt;</c>, <c>fdt config set server &lt;url&gt;</c>
/// and <c>fdt config show</c>; <see cref="ConfigCommand"/> runs them.
/// </summary>
internal sealed class ConfigCommandDefinition : Command
{
    public const string ServerKey = "server";

    public ConfigCommandDefinition()
        : base("config", "Show or change the config file (server and authtoken). $FDT_CONFIG chooses another file.")
    {
        AddAuthtoken.Add(Token);
        Set.Add(Key);
        Set.Add(Value);
        Key.AcceptOnlyFromAmong(ServerKey);

        Add(AddAuthtoken);
        Add(Set);
        Add(Show);
    }

    public Command AddAuthtoken { get; } = new("add-authtoken", "Save the authtoken the agent signs in with (the FDT server prints one on its first start).");

    public Argument<string> Token { get; } = new("token") { Description = "The authtoken." };

    public Command Set { get; } = new("set", "Set a value in the config file.");

    public Argument<string> Key { get; } = new("key") { Description = "What to set: server." };

    public Argument<string> Value { get; } = new("value") { Description = "The value, e.g. the server's URL (https://fdt.example.com)." };

    public Command Show { get; } = new("show", "Print the config file's path and values (the authtoken masked).");
}
