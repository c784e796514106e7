using System.Globalization;

namespace Fdt.Cli.Output;

/// <summary>How times, durations and statuses read in the text and tui modes.</summary>
internal static class EventText
{
    public static string Clock(DateTimeOffset time, TimeZoneInfo zone)
        => TimeZoneInfo.ConvertTime(time, zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"3.1 ms".</summary>
    public static string Milliseconds(TimeSpan duration)
        => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.0} ms");

    /// <summary>"0.4 s".</summary>
    public static string Seconds(TimeSpan duration)
        => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s");

    /// <summary>"200 OK", or "200" without a reason phrase.</summary>
    public static string Status(int status, string? reason)
        => string.IsNullOrEmpty(reason)
            ? status.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{status} {reason}");

    /// <summary>A policy rule and why it denied, e.g. "rate-limit (visitor)".</summary>
    public static string Rule(string rule, string? reason) => reason is null ? Printable(rule) : $"{Printable(rule)} ({Printable(reason)})";

    /// <summary>
    /// <paramref name="text"/> with control characters replaced, so what a visitor or a server sends
    /// (a path, a message) cannot move the cursor or recolor the user's terminal.
    /// </summary>
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (!text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !text.AsSpan().ContainsAnyInRange('\u007f', '\u009f'))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
