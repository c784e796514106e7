using System.Globalization;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>How numbers and times read on the console's pages.</summary>
public static class Format
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB"];

    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < Units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B") : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {Units[unit]}");
    }

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An ISO 8601 UTC timestamp for <c>&lt;time datetime&gt;</c> (the script shows it in local time).</summary>
    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A readable UTC time for when the script does not run.</summary>
    public static string Utc(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) => span.TotalSeconds < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms")
        : span.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s") : span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
}
