using System.Text.RegularExpressions;

namespace Fdt.EndToEnd.Tests.Monitoring;

/// <summary>Finds the metric names a PromQL expression (or a Grafana template query) reads.</summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan",
    };

    /// <summary>Grafana's variables with a value that makes the expression valid PromQL.</summary>
    public static string Resolve(string expression) => expression
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__range", "1h", StringComparison.Ordinal)
        .Replace("$__interval", "15s", StringComparison.Ordinal)
        .Replace("$instance", ".*", StringComparison.Ordinal)
        .Replace("$team", ".*", StringComparison.Ordinal);

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);

        // Grafana's label_values(metric, label) names a metric and a label.
        var labelValues = LabelValues().Match(expression);
        if (labelValues.Success)
        {
            if (labelValues.Groups["metric"].Success)
            {
                names.Add(labelValues.Groups["metric"].Value);
            }

            return names;
        }

        var text = Strings().Replace(expression, " ");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = Variables().Replace(text, " ");
        foreach (Match match in Identifiers().Matches(text))
        {
            var name = match.Groups["name"].Value;
            var isCall = match.Groups["call"].Success;
            if (!isCall && !Keywords.Contains(name.ToLowerInvariant()))
            {
                names.Add(name);
            }
        }

        return names;
    }

    [GeneratedRegex("""label_values\(\s*(?:(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{[^}]*\})?\s*,\s*)?[a-zA-Z_][a-zA-Z0-9_]*\s*\)""")]
    private static partial Regex LabelValues();

    [GeneratedRegex("""("([^"\\]|\\.)*"|'([^'\\]|\\.)*'|`[^`]*`)""")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?")]
    private static partial Regex Variables();

    [GeneratedRegex(@"(?<![a-zA-Z0-9_:.])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifiers();
}
