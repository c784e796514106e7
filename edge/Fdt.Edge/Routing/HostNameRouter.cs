namespace Fdt.Edge.Routing;

/// <summary>Maps a Host header to a tunnel name: <c>NAME.BASE-DOMAIN[:port]</c>, one label, case-insensitive.</summary>
internal sealed class HostNameRouter
{
    private readonly string _suffix;

    public HostNameRouter(string baseDomain)
    {
        BaseDomain = baseDomain.TrimEnd('.').ToLowerInvariant();
        _suffix = "." + BaseDomain;
    }

    public string BaseDomain { get; }

    /// <summary>Extracts the tunnel name; false when the host is not a tunnel host (the base domain itself, another domain).</summary>
    public bool TryGetName(ReadOnlySpan<char> host, out ReadOnlySpan<char> name)
    {
        name = default;
        host = StripPort(host);
        if (host.Length > 0 && host[^1] == '.')
        {
            host = host[..^1];
        }

        if (host.Length <= _suffix.Length || !host.EndsWith(_suffix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var label = host[..^_suffix.Length];
        if (label.IsEmpty || label.Contains('.'))
        {
            return false;
        }

        name = label;
        return true;
    }

    /// <summary>Whether the host is the base domain itself (where the agent endpoint lives).</summary>
    public bool IsBaseDomain(ReadOnlySpan<char> host)
    {
        host = StripPort(host);
        if (host.Length > 0 && host[^1] == '.')
        {
            host = host[..^1];
        }

        return host.Equals(BaseDomain, StringComparison.OrdinalIgnoreCase);
    }

    private static ReadOnlySpan<char> StripPort(ReadOnlySpan<char> host)
    {
        if (host.Length > 0 && host[0] == '[')
        {
            // IPv6 literal: never a tunnel host.
            var end = host.IndexOf(']');
            return end < 0 ? host : host[..(end + 1)];
        }

        var colon = host.LastIndexOf(':');
        return colon < 0 ? host : host[..colon];
    }
}
