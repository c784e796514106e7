using System.Globalization;

namespace Fdt.Testing;

/// <summary>
/// A parsed Prometheus text exposition (format 0.0.4), for assertions on <c>/metrics</c>: metric
/// families with their TYPE, and every sample with its labels.
/// </summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(string text, Dictionary<string, string> types, List<Sample> samples)
    {
        Text = text;
        Types = types;
        Samples = samples;
    }

    /// <summary>The raw text.</summary>
    public string Text { get; }

    /// <summary>Family name → TYPE (counter, gauge, histogram, ...).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public static PrometheusScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                types[parts[2]] = parts[3];
                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusScrape(text, types, samples);
    }

    /// <summary>
    /// Every metric name a query may use: each family's name and, for histograms, its
    /// <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series (declared families count even without samples).
    /// </summary>
    public IReadOnlySet<string> ExposedNames()
    {
        var names = new HashSet<string>(Samples.Select(s => s.Name), StringComparer.Ordinal);
        foreach (var (name, type) in Types)
        {
            names.Add(name);
            if (type is "histogram" or "summary")
            {
                names.Add(name + "_sum");
                names.Add(name + "_count");
                if (type == "histogram")
                {
                    names.Add(name + "_bucket");
                }
            }
        }

        return names;
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include <paramref name="labels"/> (e.g. <c>status_class=2xx</c>); null when there is none.</summary>
    public double? Value(string name, params string[] labels)
    {
        var matching = Find(name, labels).ToList();
        return matching.Count switch
        {
            0 => null,
            1 => matching[0].Value,
            _ => throw new InvalidOperationException($"{matching.Count} samples of {name} match {string.Join(",", labels)}."),
        };
    }

    /// <summary>The sum over the samples of <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params string[] labels) => Find(name, labels).Sum(s => s.Value);

    public IEnumerable<Sample> Find(string name, params string[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var wanted = labels.Select(l => l.Split('=', 2)).ToList();
        return Samples.Where(s => s.Name == name && wanted.All(w => s.Labels.TryGetValue(w[0], out var v) && v == w[1]));
    }

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space))
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var key = line[i..equals];
                i = equals + 2;
                var value = new System.Text.StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                labels[key] = value.ToString();
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            rest = i + 2;
        }
        else
        {
            name = line[..space];
            rest = space + 1;
        }

        var text = line[rest..].Split(' ')[0];
        var number = text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }

    /// <summary>One sample line.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
