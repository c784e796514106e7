using Fdt.Cli.Output.Tui;

namespace Fdt.Cli.Output;

/// <summary>Creates the renderer for an output mode.</summary>
internal static class RendererFactory
{
    public static IEventRenderer Create(LogFormat format, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return format switch
        {
            // A terminal that cannot move the cursor gets the text lines instead of a broken view.
            LogFormat.Tui when context.Terminal.Profile.Capabilities.Ansi
                => new TuiRenderer(context.Terminal, context.Error, context.TimeZone, CliVersion.Current),
            LogFormat.Tui or LogFormat.Text => new TextRenderer(context.Out, context.Error, context.TimeZone, context.TimeProvider),
            LogFormat.Json => new JsonLineRenderer(context.Out, context.TimeProvider),
            _ => new NullRenderer(context.Error),
        };
    }
}
