using System.Globalization;
using Spectre.Console;

namespace Fdt.Cli.Output.Tui;

/// <summary>
/// Lays out the live view for a terminal of a given size: never wider than the terminal (minus
/// the last column, so nothing wraps) and never taller (older requests are left out first).
/// </summary>
internal static class TuiView
{
    public const string Title = "fdt";
    public const string QuitHint = "(Ctrl+C to quit)";
    public const string RequestsTitle = "HTTP Requests";
    private const int WideLabelWidth = 30;
    private const int NarrowLabelWidth = 16;
    private const int StatusWidth = 18;
    private const int DurationWidth = 10;

    private static readonly Style Plain = Style.Plain;
    private static readonly Style Bold = new(decoration: Decoration.Bold);
    private static readonly Style Dim = new(decoration: Decoration.Dim);
    private static readonly Style Green = new(Color.Green);
    private static readonly Style Yellow = new(Color.Yellow);
    private static readonly Style Red = new(Color.Red);

    public static IReadOnlyList<IReadOnlyList<TuiSpan>> Layout(TuiSnapshot snapshot, int width, int height, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var max = Math.Max(0, width - 1);
        var lines = new List<IReadOnlyList<TuiSpan>>();
        if (height <= 0 || max == 0)
        {
            return lines;
        }

        var gap = Math.Max(1, max - Title.Length - QuitHint.Length);
        lines.Add([new(Title, Bold), new(new string(' ', gap), Plain), new(QuitHint, Dim)]);
        lines.Add([]);

        var labelWidth = max >= 100 ? WideLabelWidth : NarrowLabelWidth;
        lines.Add(Row("Session Status", labelWidth, StatusText(snapshot), StatusStyle(snapshot.Status)));
        lines.Add(Row("Account", labelWidth, snapshot.Account ?? "-", Plain));
        lines.Add(Row("Version", labelWidth, snapshot.Version, Plain));
        lines.Add(Row("Latency", labelWidth, snapshot.Latency is { } latency ? string.Create(CultureInfo.InvariantCulture, $"{latency.TotalMilliseconds:0} ms") : "-", Plain));
        if (snapshot.Inspector is not null)
        {
            lines.Add(Row("Web Interface", labelWidth, snapshot.Inspector, Plain));
        }

        if (snapshot.Forwarding.Count == 0)
        {
            lines.Add(Row("Forwarding", labelWidth, "-", Dim));
        }

        for (var i = 0; i < snapshot.Forwarding.Count; i++)
        {
            var row = snapshot.Forwarding[i];
            lines.Add(Row(i == 0 ? "Forwarding" : string.Empty, labelWidth, $"{row.Url} -> {row.Local}", Plain));
        }

        if (snapshot.Message is not null)
        {
            lines.Add(Row(snapshot.MessageIsWarning ? "Warning" : "Notice", labelWidth, snapshot.Message, snapshot.MessageIsWarning ? Yellow : Plain));
        }

        lines.Add([]);
        lines.Add([new(RequestsTitle, Bold)]);
        lines.Add([new(new string('-', RequestsTitle.Length), Plain)]);
        foreach (var request in snapshot.Requests)
        {
            lines.Add(RequestLine(request, max, zone));
        }

        return [.. lines.Take(height).Select(line => Fit(line, max))];
    }

    internal static string StatusText(TuiSnapshot snapshot) => snapshot.Status switch
    {
        SessionStatus.Online => "online",
        SessionStatus.Reconnecting when snapshot.Attempt > 0 => string.Create(CultureInfo.InvariantCulture, $"reconnecting (attempt {snapshot.Attempt})"),
        SessionStatus.Reconnecting => "reconnecting",
        SessionStatus.Offline => "offline",
        _ => "connecting",
    };

    /// <summary><paramref name="text"/> cut to <paramref name="width"/> characters, ending in "…" when cut.</summary>
    internal static string Truncate(string text, int width)
    {
        if (text.Length <= width)
        {
            return text;
        }

        return width <= 0 ? string.Empty : string.Concat(text.AsSpan(0, width - 1), "…");
    }

    private static TuiSpan[] Row(string label, int labelWidth, string value, Style valueStyle)
        => [new(label.PadRight(labelWidth), Plain), new(value, valueStyle)];

    private static TuiSpan[] RequestLine(RequestRow request, int max, TimeZoneInfo zone)
    {
        var time = EventText.Clock(request.Time, zone);
        var method = Truncate(request.Method, 7).PadRight(7);
        var status = Truncate(EventText.Status(request.Status, request.Reason), StatusWidth);
        var duration = EventText.Milliseconds(request.Duration).PadLeft(DurationWidth);
        var statusStyle = request.Status >= 500 ? Red : request.Status >= 400 ? Yellow : Green;

        // time  METHOD  path…  status  duration; narrow terminals drop the time, then the duration.
        var fixedWide = time.Length + 2 + method.Length + 1 + 1 + StatusWidth + duration.Length;
        if (max - fixedWide >= 12)
        {
            var path = Truncate(request.Path, max - fixedWide).PadRight(max - fixedWide);
            return [new(time + "  ", Dim), new(method + " ", Bold), new(path + " ", Plain), new(status.PadRight(StatusWidth), statusStyle), new(duration, Plain)];
        }

        var statusWidth = Math.Clamp((max - method.Length - 1) / 3, 3, StatusWidth);
        var pathWidth = Math.Max(1, max - method.Length - 1 - 1 - statusWidth);
        return [new(method + " ", Bold), new(Truncate(request.Path, pathWidth).PadRight(pathWidth) + " ", Plain), new(Truncate(status, statusWidth), statusStyle)];
    }

    private static Style StatusStyle(SessionStatus status) => status switch
    {
        SessionStatus.Online => Green,
        SessionStatus.Offline => Red,
        _ => Yellow,
    };

    /// <summary>Makes a line's text printable and cuts its spans to fit in <paramref name="max"/> characters.</summary>
    private static IReadOnlyList<TuiSpan> Fit(IReadOnlyList<TuiSpan> line, int max)
    {
        var total = 0;
        var printable = new TuiSpan[line.Count];
        for (var i = 0; i < line.Count; i++)
        {
            printable[i] = line[i] with { Text = EventText.Printable(line[i].Text) };
            total += printable[i].Text.Length;
        }

        line = printable;

        if (total <= max)
        {
            return line;
        }

        var fitted = new List<TuiSpan>(line.Count);
        var remaining = max;
        foreach (var span in line)
        {
            if (remaining <= 0)
            {
                break;
            }

            if (span.Text.Length <= remaining)
            {
                fitted.Add(span);
                remaining -= span.Text.Length;
                continue;
            }

            fitted.Add(span with { Text = Truncate(span.Text, remaining) });
            remaining = 0;
        }

        return fitted;
    }
}
