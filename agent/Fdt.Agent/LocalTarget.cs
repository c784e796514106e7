using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Fdt.Agent;

/// <summary>Where a tunnel's traffic goes on the agent's side: host, port, and whether to speak TLS to it.</summary>
public sealed record LocalTarget(string Host, int Port, bool UseTls = false)
{
    /// <summary>
    /// Parses what a user types after <c>fdt http</c>: a port ("3000"), "host:port", or a URL
    /// ("http://localhost:3000", "https://127.0.0.1:8443").
    /// </summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out LocalTarget? target, out string error)
    {
        target = null;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "Give a port, host:port or URL to forward to, e.g. 3000.";
            return false;
        }

        value = value.Trim();
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var portOnly))
        {
            return TryCreate("localhost", portOnly, false, out target, out error);
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
            {
                error = $"'{value}' is not an http:// or https:// URL.";
                return false;
            }

            if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
            {
                error = $"'{value}' has a path; give only scheme, host and port.";
                return false;
            }

            return TryCreate(uri.IdnHost, uri.Port, uri.Scheme == Uri.UriSchemeHttps, out target, out error);
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            error = $"'{value}' is not a port, host:port or URL.";
            return false;
        }

        var host = value[..colon].Trim('[', ']');
        return TryCreate(host, port, false, out target, out error);
    }

    /// <summary>The address as a URL, e.g. "http://localhost:3000".</summary>
    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return $"{(UseTls ? "https" : "http")}://{host}:{Port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static bool TryCreate(string host, int port, bool tls, [NotNullWhen(true)] out LocalTarget? target, out string error)
    {
        target = null;
        if (port is < 1 or > 65535)
        {
            error = $"Port {port} is outside 1-65535.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(host))
        {
            error = "The host is empty.";
            return false;
        }

        error = string.Empty;
        target = new LocalTarget(host, port, tls);
        return true;
    }
}
