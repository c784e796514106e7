namespace Fdt.Cli.Output;

/// <summary>The output modes of <c>fdt http --log</c>.</summary>
internal enum LogFormat
{
    /// <summary>A live view of the session and the last requests.</summary>
    Tui,

    /// <summary>One human-readable line per event.</summary>
    Text,

    /// <summary>One JSON object per line.</summary>
    Json,

    /// <summary>Nothing but fatal errors (on standard error).</summary>
    None,
}
