using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Fdt.Edge.Forwarding;

/// <summary>Which headers a proxy must not forward (RFC 9110 section 7.6.1), and a few helpers.</summary>
internal static class HttpHeaderRules
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection,
        "Proxy-Connection",
        HeaderNames.KeepAlive,
        HeaderNames.ProxyAuthenticate,
        HeaderNames.ProxyAuthorization,
        HeaderNames.TE,
        HeaderNames.Trailer,
        HeaderNames.TransferEncoding,
        HeaderNames.Upgrade,
    };

    /// <summary>Headers we set ourselves on the forwarded request.</summary>
    private static readonly HashSet<string> Replaced = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Host,
        "X-Forwarded-For",
        "X-Forwarded-Proto",
        "X-Forwarded-Host",
        "X-Request-Id",
    };

    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    public static bool IsReplacedOnRequest(string name) => Replaced.Contains(name);

    /// <summary>True when <paramref name="connection"/> (the Connection header) names <paramref name="header"/>.</summary>
    public static bool IsNamedByConnection(StringValues connection, string header)
    {
        foreach (var value in connection)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                if (value.AsSpan()[range].Trim().Equals(header, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True for "TE: trailers", the one TE value that is forwarded (gRPC needs it).</summary>
    public static bool IsTeTrailers(StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null && value.Trim().Equals("trailers", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
