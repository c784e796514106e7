using System.Text.Json;

namespace Fdt.EndToEnd.Tests.Monitoring;

/// <summary>The PromQL in infra/monitoring: alert rule expressions and Grafana dashboard queries.</summary>
internal static class MonitoringFiles
{
    public static string Directory => Path.Combine(Binaries.RepositoryRoot, "infra", "monitoring");

    public static IEnumerable<string> RuleFiles => System.IO.Directory.GetFiles(Path.Combine(Directory, "rules"), "*.yml");

    public static IEnumerable<string> RuleTestFiles => System.IO.Directory.GetFiles(Path.Combine(Directory, "tests"), "*.yml");

    public static IEnumerable<string> DashboardFiles => System.IO.Directory.GetFiles(Path.Combine(Directory, "grafana", "dashboards"), "*.json");

    /// <summary>Every alert's expression, as (alert, expression). Reads the rule files' <c>expr:</c> entries (inline or block scalars).</summary>
    public static IEnumerable<(string Source, string Expression)> AlertExpressions()
    {
        foreach (var file in RuleFiles)
        {
            var lines = File.ReadAllLines(file);
            var alert = Path.GetFileName(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var trimmed = lines[i].TrimStart();
                if (trimmed.StartsWith("- alert:", StringComparison.Ordinal) || trimmed.StartsWith("- record:", StringComparison.Ordinal))
                {
                    alert = trimmed[(trimmed.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }

                if (!trimmed.StartsWith("expr:", StringComparison.Ordinal))
                {
                    continue;
                }

                var value = trimmed["expr:".Length..].Trim();
                if (value is "|" or ">" or "|-" or ">-")
                {
                    var indent = lines[i].Length - trimmed.Length;
                    var block = new List<string>();
                    while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent))
                    {
                        block.Add(lines[++i].Trim());
                    }

                    value = string.Join(' ', block);
                }

                yield return (alert, value);
            }
        }
    }

    /// <summary>Every dashboard target expression and template-variable query, as (dashboard / panel, expression).</summary>
    public static IEnumerable<(string Source, string Expression)> DashboardQueries()
    {
        foreach (var file in DashboardFiles)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var query in Walk(json.RootElement, Path.GetFileName(file)))
            {
                yield return query;
            }
        }
    }

    private static IEnumerable<(string, string)> Walk(JsonElement element, string where)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var here = element.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String ? $"{where} / {title.GetString()}" : where;
            if (element.TryGetProperty("expr", out var expr) && expr.ValueKind == JsonValueKind.String)
            {
                yield return (here, expr.GetString()!);
            }

            if (element.TryGetProperty("type", out var type) && type.GetString() == "query" && element.TryGetProperty("query", out var query))
            {
                var text = query.ValueKind == JsonValueKind.Object ? query.GetProperty("query").GetString() : query.GetString();
                yield return ($"{here} / variable {element.GetProperty("name").GetString()}", text!);
            }

            foreach (var property in element.EnumerateObject())
            {
                foreach (var found in Walk(property.Value, here))
                {
                    yield return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var found in Walk(item, where))
                {
                    yield return found;
                }
            }
        }
    }
}
