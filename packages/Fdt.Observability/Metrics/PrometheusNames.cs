using System.Globalization;
using System.Text;

namespace Fdt.Observability.Metrics;

/// <summary>
/// Prometheus names for OpenTelemetry-style instruments: dots become underscores, the unit becomes
/// a suffix in base-unit words (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>, annotations
/// such as <c>{request}</c> are dropped), counters end in <c>_total</c>. Label names are
/// sanitized the same way; label values and help texts are escaped as the text format (0.0.4) asks.
/// </summary>
public static class PrometheusNames
{
    // Gauges whose names end in "_count" read as histogram parts to Prometheus tooling
    // (promtool: non-histogram metrics should not have a "_count" suffix).
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["dotnet.process.cpu.count"] = "dotnet_process_cpus",
        ["dotnet.thread_pool.thread.count"] = "dotnet_thread_pool_threads",
        ["dotnet.timer.count"] = "dotnet_timers",
        ["dotnet.assembly.count"] = "dotnet_assemblies",
    };

    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["bit"] = "bits",
        ["Hz"] = "hertz",
        ["%"] = "percent",
        ["Cel"] = "celsius",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["min"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
    };

    /// <summary>The metric family name for an instrument (for histograms, the name before <c>_bucket</c>).</summary>
    public static string MetricName(string instrumentName, string? unit, MetricKind kind)
    {
        ArgumentNullException.ThrowIfNull(instrumentName);
        if (kind == MetricKind.Gauge && Renamed.TryGetValue(instrumentName, out var renamed))
        {
            return renamed;
        }

        var name = Sanitize(instrumentName, allowColon: true);
        if (kind == MetricKind.Counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }

        var suffix = UnitSuffix(unit, kind);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal) && name != suffix)
        {
            name += "_" + suffix;
        }

        if (kind == MetricKind.Counter)
        {
            return name + "_total";
        }

        // A histogram family's samples end in _bucket/_sum/_count; anything else must not.
        if (name.EndsWith("_count", StringComparison.Ordinal) || name.EndsWith("_sum", StringComparison.Ordinal)
            || name.EndsWith("_bucket", StringComparison.Ordinal) || name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_value";
        }

        return name;
    }

    /// <summary>The name suffix for a UCUM unit as OpenTelemetry writes them; empty when there is none.</summary>
    public static string UnitSuffix(string? unit, MetricKind kind)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return string.Empty;
        }

        // Annotations ({request}, {connection}) carry no unit.
        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        var bare = builder.ToString().Trim();
        if (bare.Length == 0)
        {
            return string.Empty;
        }

        if (bare == "1")
        {
            return kind == MetricKind.Gauge ? "ratio" : string.Empty;
        }

        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var (numerator, denominator) = (bare[..slash], bare[(slash + 1)..]);
            var top = Units.GetValueOrDefault(numerator, numerator);
            var bottom = PerUnits.GetValueOrDefault(denominator, denominator);
            return Sanitize(denominator.Length == 0 ? top : $"{top}_per_{bottom}", allowColon: false);
        }

        return Sanitize(Units.GetValueOrDefault(bare, bare), allowColon: false);
    }

    /// <summary>A valid label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, never starting with the reserved <c>__</c>.</summary>
    public static string LabelName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = Sanitize(key, allowColon: false);
        return name.StartsWith("__", StringComparison.Ordinal) ? "tag" + name : name;
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append(@"\n"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>Escapes a HELP text: backslash and line feed.</summary>
    public static string EscapeHelp(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);
    }

    /// <summary>A sample value as Prometheus parses it (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, else the shortest round-trip form).</summary>
    public static string FormatValue(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        return double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>A tag value as label text.</summary>
    public static string FormatTagValue(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        bool flag => flag ? "true" : "false",
        double number => FormatValue(number),
        float number => FormatValue(number),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Sanitize(string value, bool allowColon)
    {
        var builder = new StringBuilder(value.Length + 1);
        var lastUnderscore = false;
        foreach (var c in value)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && lastUnderscore)
            {
                continue;
            }

            builder.Append(next);
            lastUnderscore = next == '_';
        }

        while (builder.Length > 1 && builder[^1] == '_')
        {
            builder.Length--;
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
