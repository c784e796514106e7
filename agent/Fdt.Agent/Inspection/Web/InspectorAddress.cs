using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Fdt.Agent.Inspection.Web;

/// <summary>Where the inspector listens: a host (IP address, "localhost" or a name) and a port (0: any free one).</summary>
internal sealed record InspectorAddress(string Host, int Port)
{
    /// <summary>The default, as ngrok's: loopback only, port 4040.</summary>
    public static readonly InspectorAddress Default = new("127.0.0.1", 4040);

    /// <summary>Parses "HOST:PORT" ("127.0.0.1:4040", "localhost:4040", "[::1]:4040", "0.0.0.0:4040").</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out InspectorAddress? address, out string error)
    {
        address = null;
        error = $"'{value}' is not HOST:PORT (e.g. 127.0.0.1:4040).";
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        value = value.Trim();
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        var host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out _))
            {
                return false;
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            error = $"'{value}': write IPv6 addresses in brackets, e.g. [::1]:4040.";
            return false;
        }

        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/'))
        {
            return false;
        }

        address = new InspectorAddress(host, port);
        return true;
    }

    /// <summary>The address to bind: the IP given, loopback for "localhost", or the name's first address.</summary>
    public async Task<IPAddress> ResolveAsync(CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Host, out var address))
        {
            return address;
        }

        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var addresses = await Dns.GetHostAddressesAsync(Host, cancellationToken);
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InspectorUnavailableException($"{Host} has no address to listen on.");
    }

    public override string ToString()
        => (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
