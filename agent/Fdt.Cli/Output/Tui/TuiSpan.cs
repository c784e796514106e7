using Spectre.Console;

namespace Fdt.Cli.Output.Tui;

/// <summary>A piece of a line of the live view, in one style.</summary>
internal readonly record struct TuiSpan(string Text, Style Style);
