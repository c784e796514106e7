namespace Fdt.EndToEnd.Tests;

/// <summary>How one run of <c>fdt</c> ended: its exit code, standard output and standard error.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit code {ExitCode}\n{Output}\n--- stderr ---\n{Error}";
}
