using System.Net;
using System.Net.Sockets;

namespace Fdt.Cli.Tests;

/// <summary>A loopback port nothing listens on: connections to it are refused at once.</summary>
internal static class ClosedPort
{
    /// <summary>An http:// server URL on 127.0.0.1 whose port was free a moment ago.</summary>
    public static Uri ServerUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
