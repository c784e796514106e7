namespace Fdt.Cli.Output;

/// <summary>Writes a fatal error for people: <c>ERROR: message</c> and, when useful, a <c>HINT:</c> line.</summary>
internal static class ErrorOutput
{
    public static void Write(TextWriter error, CliError cliError)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(cliError);
        var code = cliError.Code is null ? string.Empty : $" ({cliError.Code})";
        error.WriteLine($"ERROR: {EventText.Printable(cliError.Message)}{code}");
        if (cliError.Hint is not null)
        {
            error.WriteLine($"HINT: {EventText.Printable(cliError.Hint)}");
        }

        error.Flush();
    }
}
