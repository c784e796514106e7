using System.Net;
using Microsoft.AspNetCore.Http;

namespace Fdt.Agent.Inspection.Web;

/// <summary>
/// Which Host and Origin values the inspector answers, against DNS rebinding and cross-site
/// requests: the inspector's own port, with "localhost", a loopback address, the address it is
/// bound to (any address when bound to all of them), or the host name it was given. A name that
/// some DNS server points at 127.0.0.1 (the rebinding attack) is none of these.
/// </summary>
internal sealed class InspectorHostPolicy(IPAddress bound, string? hostName, int port)
{
    public bool IsAllowedHost(HostString host)
    {
        if (!host.HasValue || (host.Port ?? 80) != port)
        {
            return false;
        }

        var name = host.Host;
        if (name.StartsWith('[') && name.EndsWith(']'))
        {
            name = name[1..^1];
        }

        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || (hostName is not null && string.Equals(name, hostName, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (!IPAddress.TryParse(name, out var address))
        {
            return false;
        }

        return IPAddress.IsLoopback(address)
            || address.Equals(bound)
            || bound.Equals(IPAddress.Any)
            || bound.Equals(IPAddress.IPv6Any);
    }

    /// <summary>Whether <paramref name="origin"/> is the inspector's own origin (http, an allowed host, its port).</summary>
    public bool IsAllowedOrigin(string origin)
        => Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttp
            && uri.AbsolutePath == "/"
            && IsAllowedHost(HostString.FromUriComponent(uri));
}
