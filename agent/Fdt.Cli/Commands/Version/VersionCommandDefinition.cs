using System.CommandLine;

namespace Fdt.Cli.Commands.Version;

/// <summary>The syntax of <c>fdt version</c>; <see cref="VersionCommand"/> runs it.</summary>
internal sealed class VersionCommandDefinition : Command
{
    public VersionCommandDefinition()
        : base("version", "Print fdt's version.")
    {
    }
}
