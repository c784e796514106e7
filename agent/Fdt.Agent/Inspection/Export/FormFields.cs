using System.Net;

namespace Fdt.Agent.Inspection.Export;

/// <summary>Splits application/x-www-form-urlencoded text (and query strings) into name/value pairs.</summary>
internal static class FormFields
{
    public static IReadOnlyList<HarNameValue> Parse(string text)
    {
        var fields = new List<HarNameValue>();
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            fields.Add(new HarNameValue(Decode(name), Decode(value)));
        }

        return fields;
    }

    private static string Decode(string value) => WebUtility.UrlDecode(value);
}
