using System.CommandLine;
using System.CommandLine.Parsing;

namespace Fdt.Cli.Commands.Tunnels;

/// <summary>
/// The syntax of <c>fdt tunnels [list]</c> and <c>fdt tunnels stop &lt;id&gt;...</c>;
/// <see cref="TunnelsCommand"/> runs them.
/// </summary>
internal sealed class TunnelsCommandDefinition : Command
{
    /// <summary>The longest tunnel id accepted (the server's are far shorter).</summary>
    public const int MaxIdLength = 200;

    public TunnelsCommandDefinition()
        : base("tunnels", "List or stop the live tunnels of your team (needs a server with accounts). Lists them when no subcommand is given.")
    {
        Ids.Validators.Add(ValidateIds);

        // --server, --authtoken and --insecure apply to the subcommands too; --json only to listing.
        Add(Server);
        Add(Authtoken);
        Add(Insecure);
        Add(Json);
        List.Add(Json);
        Stop.Add(Ids);
        Add(List);
        Add(Stop);
    }

    public Option<string> Server { get; } = Recursive(CommonOptions.Server());

    public Option<string> Authtoken { get; } = Recursive(CommonOptions.Authtoken());

    public Option<bool> Insecure { get; } = Recursive(CommonOptions.Insecure());

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the tunnels as the server returns them: a JSON array.",
    };

    public Command List { get; } = new("list", "List the team's live tunnels (the same as `fdt tunnels`).");

    public Command Stop { get; } = new("stop", "Stop tunnels of your team; the fdt serving each exits with code 6.");

    public Argument<string[]> Ids { get; } = new("id")
    {
        Description = "The ids of the tunnels to stop, as `fdt tunnels` lists them.",
        Arity = ArgumentArity.OneOrMore,
    };

    public TunnelsCommandInput GetInput(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new TunnelsCommandInput
        {
            Server = parseResult.GetValue(Server),
            Authtoken = parseResult.GetValue(Authtoken),
            Insecure = parseResult.GetValue(Insecure),
            Json = parseResult.GetValue(Json),
        };
    }

    /// <summary>
    /// Whether <paramref name="id"/> can be a tunnel id: non-empty, printable, no spaces, not "." or
    /// "..", and not starting with '-' (so that a mistyped option is not taken for an id).
    /// </summary>
    internal static bool IsValidId(string? id)
        => !string.IsNullOrEmpty(id)
            && id.Length <= MaxIdLength
            && id is not ("." or "..")
            && id[0] != '-'
            && !id.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c));

    private static T Recursive<T>(T option)
        where T : Option
    {
        option.Recursive = true;
        return option;
    }

    private static void ValidateIds(ArgumentResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (!IsValidId(token.Value))
            {
                result.AddError($"'{Output.EventText.Printable(token.Value)}' is not a tunnel id: ids are non-empty, at most {MaxIdLength} characters, without spaces or control characters, and do not start with '-'.");
            }
        }
    }
}
