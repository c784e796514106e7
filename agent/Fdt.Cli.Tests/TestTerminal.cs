using Spectre.Console;

namespace Fdt.Cli.Tests;

/// <summary>A Spectre console that writes to a string, with a fixed size and chosen ANSI support.</summary>
internal static class TestTerminal
{
    public static IAnsiConsole Create(StringWriter writer, bool ansi = true, int width = 80, int height = 24)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Profile.Height = height;
        return console;
    }
}
