using System.Globalization;
using Fdt.Cli.Output;

namespace Fdt.Cli.Commands.Tunnels;

/// <summary>The table <c>fdt tunnels</c> prints: one row per tunnel, columns padded to their widest cell.</summary>
internal static class TunnelTable
{
    private const string Gap = "  ";
    private const int RequestsColumn = 5;

    private static readonly string[] Headers = ["ID", "URL", "LOCAL", "CLIENT", "STARTED", "REQUESTS", "STATUS"];

    public static void Write(TextWriter output, IReadOnlyList<TunnelInfo> tunnels, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(tunnels);
        ArgumentNullException.ThrowIfNull(zone);
        List<string[]> rows = [Headers, .. tunnels.Select(tunnel => Row(tunnel, now, zone))];
        var widths = new int[Headers.Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in rows)
        {
            var cells = row.Select((cell, i) => i == RequestsColumn ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            output.WriteLine(string.Join(Gap, cells).TrimEnd());
        }
    }

    /// <summary>"14:03:12 (5m ago)" today, "2025-01-01 14:03 (2d ago)" before, in <paramref name="zone"/>.</summary>
    internal static string Started(DateTime startedAt, DateTimeOffset now, TimeZoneInfo zone)
    {
        var started = new DateTimeOffset(AsUtc(startedAt));
        var local = TimeZoneInfo.ConvertTime(started, zone);
        var clock = local.Date == TimeZoneInfo.ConvertTime(now, zone).Date
            ? local.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return $"{clock} ({Ago(now - started)})";
    }

    /// <summary>"just now", "42s ago", "5m ago", "3h ago", "2d ago".</summary>
    internal static string Ago(TimeSpan elapsed) => elapsed switch
    {
        { TotalSeconds: < 1 } => "just now",
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalSeconds}s ago"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalMinutes}m ago"),
        { TotalDays: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalHours}h ago"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalDays}d ago"),
    };

    /// <summary>The server's times are UTC; one without a zone is read as UTC, not as local time.</summary>
    private static DateTime AsUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private static string[] Row(TunnelInfo tunnel, DateTimeOffset now, TimeZoneInfo zone) =>
    [
        Cell(tunnel.Id),
        Cell(tunnel.Url),
        Cell(tunnel.LocalAddress),
        Cell(tunnel.ClientAddress),
        Started(tunnel.StartedAt, now, zone),
        tunnel.Requests.ToString(CultureInfo.InvariantCulture),
        tunnel.Stopping ? "stopping" : "online",
    ];

    private static string Cell(string? value) => string.IsNullOrWhiteSpace(value) ? "-" : EventText.Printable(value);
}
