using System.Diagnostics.CodeAnalysis;

namespace Fdt.Cli.Configuration;

/// <summary>Checks server URLs wherever they come from (flag, environment, config file, <c>fdt config set</c>).</summary>
internal static class ServerUrl
{
    /// <summary>The server used when nothing else says which.</summary>
    public static readonly Uri Default = new("http://localhost:8080");

    /// <summary>Accepts only absolute http:// and https:// URLs.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out Uri? url)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(value)
            || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(parsed.Host))
        {
            return false;
        }

        url = parsed;
        return true;
    }
}
