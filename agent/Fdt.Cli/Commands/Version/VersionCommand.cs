namespace Fdt.Cli.Commands.Version;

/// <summary>Prints <c>fdt &lt;version&gt;</c>.</summary>
internal sealed class VersionCommand(CliContext context)
{
    public int Execute()
    {
        context.Out.WriteLine($"fdt {CliVersion.Current}");
        return ExitCodes.Success;
    }
}
