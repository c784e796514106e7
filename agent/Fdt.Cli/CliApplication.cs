using System.CommandLine;
using System.CommandLine.Invocation;
using Fdt.Cli.Commands;

namespace Fdt.Cli;

/// <summary>Parses the command line and runs the chosen command, turning parse errors into exit code 2.</summary>
internal static class CliApplication
{
    /// <summary>How long a command may take to close cleanly after Ctrl+C or SIGTERM before the process is ended.</summary>
    public static readonly TimeSpan TerminationTimeout = TimeSpan.FromSeconds(5);

    public static Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = FdtRootCommand.Create(context);
        return InvokeAsync(root.Parse(args), context, cancellationToken);
    }

    public static async Task<int> InvokeAsync(ParseResult parseResult, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(context);
        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            ProcessTerminationTimeout = context.HandleTermination ? TerminationTimeout : null,
        };
        if (parseResult.Action is ParseErrorAction parseError)
        {
            // The errors and where to read more, rather than the whole help under them.
            parseError.ShowHelp = false;
            await parseResult.InvokeAsync(configuration, cancellationToken);
            context.Error.WriteLine($"Run '{CommandPath(parseResult)} --help' for usage.");
            return ExitCodes.UsageError;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "fdt" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
