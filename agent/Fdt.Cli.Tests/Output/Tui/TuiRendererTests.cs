using Fdt.Cli.Output.Tui;

namespace Fdt.Cli.Tests.Output.Tui;

public sealed class TuiRendererTests
{
    private readonly StringWriter _screen = new();
    private readonly StringWriter _error = new();

    [Fact]
    public void Frame_Lines_DrawnFromTheTopWithEachLineAndTheRestCleared()
    {
        var console = TestTerminal.Create(_screen);
        var lines = TuiView.Layout(new TuiSnapshot { Status = SessionStatus.Online, Version = "0.1.0" }, 80, 24, TimeZoneInfo.Utc);

        var frame = TuiRenderer.Frame(console, lines);

        Assert.StartsWith("\u001b[H", frame, StringComparison.Ordinal);
        Assert.EndsWith("\u001b[J", frame, StringComparison.Ordinal);
        Assert.Equal(lines.Count, CountOf(frame, "\u001b[K"));
        Assert.Equal(lines.Count - 1, CountOf(frame, "\r\n"));
        Assert.Contains("online", frame, StringComparison.Ordinal);
    }

    [Fact]
    public void Draw_AfterEvents_ShowsThem()
    {
        var renderer = new TuiRenderer(TestTerminal.Create(_screen, width: 120), _error, TimeZoneInfo.Utc, "0.1.0");
        renderer.Post(AgentEvents.SessionStarted());
        renderer.Post(AgentEvents.TunnelStarted());
        renderer.Post(AgentEvents.Request());

        renderer.Draw();

        var screen = _screen.ToString();
        Assert.StartsWith("\u001b[H", screen, StringComparison.Ordinal);
        Assert.Contains("online", screen, StringComparison.Ordinal);
        Assert.Contains("http://abc.localhost:8080 -> http://localhost:3000", screen, StringComparison.Ordinal);
        Assert.Contains("/api?x=1", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartThenComplete_Clean_UsesTheAlternateScreenAndRestoresTheTerminal()
    {
        var renderer = new TuiRenderer(TestTerminal.Create(_screen), _error, TimeZoneInfo.Utc, "0.1.0");
        renderer.Start(static () => TimeSpan.FromMilliseconds(7));
        renderer.Post(AgentEvents.SessionStarted());

        await renderer.CompleteAsync(null);
        await renderer.DisposeAsync();

        var screen = _screen.ToString();
        Assert.StartsWith("\u001b[?1049h\u001b[?25l", screen, StringComparison.Ordinal);
        Assert.EndsWith("\u001b[?25h\u001b[?1049l", screen, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _error.ToString());
    }

    [Fact]
    public async Task Complete_Error_WrittenToStandardErrorAfterLeavingTheScreen()
    {
        var renderer = new TuiRenderer(TestTerminal.Create(_screen), _error, TimeZoneInfo.Utc, "0.1.0");
        renderer.Start(static () => null);

        await renderer.CompleteAsync(new CliError(ExitCodes.TunnelStopped, "Stopped by an operator.", "ERR_FDT_2009"));

        Assert.EndsWith("\u001b[?25h\u001b[?1049l", _screen.ToString(), StringComparison.Ordinal);
        Assert.Equal("ERROR: Stopped by an operator. (ERR_FDT_2009)\n", _error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Complete_NeverStarted_OnlyReportsTheError()
    {
        var renderer = new TuiRenderer(TestTerminal.Create(_screen), _error, TimeZoneInfo.Utc, "0.1.0");

        await renderer.CompleteAsync(new CliError(ExitCodes.UsageError, "No authtoken is set."));

        Assert.Equal(string.Empty, _screen.ToString());
        Assert.StartsWith("ERROR: No authtoken is set.", _error.ToString(), StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
