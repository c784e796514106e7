using System.CommandLine;
using System.CommandLine.Invocation;

namespace Fdt.Cli.Commands.Version;

/// <summary>Makes <c>fdt --version</c> print what <c>fdt version</c> prints.</summary>
internal sealed class VersionOptionAction(CliContext context) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult) => new VersionCommand(context).Execute();
}
