using System.Text;

namespace Fdt.Edge.Listeners;

/// <summary>
/// Recognises the raw-transport upgrade request an agent sends first on a fresh connection
/// (<c>GET /_fdt/agent HTTP/1.1</c> with <c>Upgrade: fdt-mux/1</c>), from bytes peeked off the
/// socket. Anything else, including requests for the same path on a tunnel host, is left to Kestrel.
/// </summary>
internal static class AgentUpgradeRequest
{
    public const int MaxHeadLength = 8 * 1024;

    public static ReadOnlySpan<byte> SwitchingProtocols => "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: fdt-mux/1\r\n\r\n"u8;

    private static ReadOnlySpan<byte> RequestLine => "GET /_fdt/agent HTTP/1.1\r\n"u8;

    /// <summary>Whether the bytes can be the start of an agent upgrade (so more should be read before deciding).</summary>
    public static bool MayBeAgent(ReadOnlySpan<byte> head)
    {
        var length = Math.Min(head.Length, RequestLine.Length);
        return head[..length].SequenceEqual(RequestLine[..length]);
    }

    /// <summary>
    /// The length of the request head when it is a complete agent upgrade request for a host
    /// that is not a tunnel host; 0 otherwise.
    /// </summary>
    public static int Match(ReadOnlySpan<byte> head, Routing.HostNameRouter router)
    {
        if (!head.StartsWith(RequestLine))
        {
            return 0;
        }

        var end = head.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return 0;
        }

        var upgrade = false;
        var connectionUpgrade = false;
        string? host = null;
        var lines = head[RequestLine.Length..(end + 2)];
        while (!lines.IsEmpty)
        {
            var lineEnd = lines.IndexOf("\r\n"u8);
            var line = lines[..lineEnd];
            lines = lines[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return 0;
            }

            var name = Encoding.ASCII.GetString(line[..colon]);
            var value = Encoding.ASCII.GetString(line[(colon + 1)..]).Trim();
            if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                upgrade = value.Equals(Protocol.Control.ControlProtocol.UpgradeProtocol, StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connectionUpgrade = value.Split(',', StringSplitOptions.TrimEntries).Contains("upgrade", StringComparer.OrdinalIgnoreCase);
            }
            else if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                host = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                // An upgrade request has no body; leave anything unusual to Kestrel.
                return 0;
            }
        }

        if (!upgrade || !connectionUpgrade || host is null || router.TryGetName(host, out _))
        {
            return 0;
        }

        return end + 4;
    }
}
