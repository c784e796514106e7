using System.Runtime.InteropServices;
using System.Text;
using Fdt.Agent.Events;
using Spectre.Console;
using Spectre.Console.Advanced;

namespace Fdt.Cli.Output.Tui;

/// <summary>
/// <c>--log tui</c>: a live view in the terminal's alternate screen, redrawn from the top on every
/// change, every second (latency) and on resize, so a resized or small terminal never leaves
/// stale lines behind. Events only update <see cref="TuiState"/>; one loop draws.
/// </summary>
internal sealed class TuiRenderer : IEventRenderer
{
    private const string EnterScreen = "\u001b[?1049h\u001b[?25l";
    private const string LeaveScreen = "\u001b[?25h\u001b[?1049l";
    private const string Home = "\u001b[H";
    private const string ClearToEndOfLine = "\u001b[K";
    private const string ClearToEndOfScreen = "\u001b[J";

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinimumRedrawInterval = TimeSpan.FromMilliseconds(50);

    private readonly IAnsiConsole _console;
    private readonly TextWriter _standardError;
    private readonly TimeZoneInfo _zone;
    private readonly TuiState _state;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Func<TimeSpan?> _roundTripTime = static () => null;
    private PosixSignalRegistration? _resize;
    private Task? _loop;
    private int _completed;

    public TuiRenderer(IAnsiConsole console, TextWriter standardError, TimeZoneInfo zone, string version)
    {
        _console = console;
        _standardError = standardError;
        _zone = zone;
        _state = new TuiState(version);
    }

    public void Start(Func<TimeSpan?> roundTripTime)
    {
        if (_loop is not null)
        {
            return;
        }

        _roundTripTime = roundTripTime;
        _console.WriteAnsi(EnterScreen);
        if (!OperatingSystem.IsWindows())
        {
            _resize = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Changed());
        }

        _loop = Task.Run(DrawLoopAsync);
    }

    public void Post(AgentEvent agentEvent)
    {
        _state.Apply(agentEvent);
        Changed();
    }

    public async Task CompleteAsync(CliError? error)
    {
        _state.SetOffline();
        await StopAsync();
        if (error is not null)
        {
            ErrorOutput.Write(_standardError, error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _changed.Dispose();
        _stop.Dispose();
    }

    /// <summary>One frame: from the top-left corner, every line cleared to its end, then the rest of the screen cleared.</summary>
    internal static string Frame(IAnsiConsole console, IReadOnlyList<IReadOnlyList<TuiSpan>> lines)
    {
        var frame = new StringBuilder(Home);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Count > 0)
            {
                var paragraph = new Paragraph();
                foreach (var span in lines[i])
                {
                    paragraph.Append(span.Text, span.Style);
                }

                frame.Append(console.ToAnsi(paragraph));
            }

            frame.Append(ClearToEndOfLine);
            if (i < lines.Count - 1)
            {
                frame.Append("\r\n");
            }
        }

        return frame.Append(ClearToEndOfScreen).ToString();
    }

    private async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }

        _resize?.Dispose();
        if (_loop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        _console.WriteAnsi(LeaveScreen);
    }

    private void Changed()
    {
        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signaled, or stopped.
        }
    }

    private async Task DrawLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Draw();
            try
            {
                await _changed.WaitAsync(RefreshInterval, token);

                // Many events at once (a burst of requests) make one frame, not one each.
                await Task.Delay(MinimumRedrawInterval, token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    internal void Draw()
    {
        try
        {
            var snapshot = _state.Snapshot(_roundTripTime());
            var lines = TuiView.Layout(snapshot, _console.Profile.Width, _console.Profile.Height, _zone);
            _console.WriteAnsi(Frame(_console, lines));
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The terminal went away or is being resized; the next frame tries again.
        }
    }
}
