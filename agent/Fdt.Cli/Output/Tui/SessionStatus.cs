namespace Fdt.Cli.Output.Tui;

/// <summary>The "Session Status" row of the live view.</summary>
internal enum SessionStatus
{
    Connecting,
    Online,
    Reconnecting,
    Offline,
}
