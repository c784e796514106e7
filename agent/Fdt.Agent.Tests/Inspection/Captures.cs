using System.Text;
using Fdt.Agent.Http;
using Fdt.Agent.Inspection;

namespace Fdt.Agent.Tests.Inspection;

/// <summary>Captures exchanges the way the forwarder does: raw HTTP/1.1 bytes through a real observer.</summary>
internal static class Captures
{
    public static readonly LocalTarget Origin = new("127.0.0.1", 3000);

    public static CaptureStore Store(int bodyLimit = CaptureOptions.DefaultBodyLimit, int maxExchanges = 500, long memoryLimit = 64L * 1024 * 1024, TimeProvider? time = null, int maxPerSecond = 0)
        => new(new CaptureOptions { BodyLimit = bodyLimit, MaxExchanges = maxExchanges, MemoryLimit = memoryLimit, MaxPerSecond = maxPerSecond }, time);

    public static HttpExchangeObserver Observer(CaptureStore store, string? remoteAddress = null, LocalTarget? target = null)
        => new(store.Time, onExchange: null, new CaptureContext(store, "demo", "http://demo.localhost:8080", target ?? Origin, remoteAddress));

    /// <summary>One exchange on its own connection; returns its capture.</summary>
    public static CapturedExchange Exchange(CaptureStore store, string request, string response)
        => Exchange(store, Encoding.UTF8.GetBytes(request), Encoding.UTF8.GetBytes(response));

    public static CapturedExchange Exchange(CaptureStore store, byte[] request, byte[] response)
    {
        var observer = Observer(store);
        observer.Requests.Feed(request);
        var captured = observer.LastRequestCapture ?? throw new InvalidOperationException("No request head was captured.");
        observer.Responses.Feed(response);
        observer.OnConnectionClosed();
        return captured;
    }

    /// <summary>An HTTP/1.1 message head and body with Content-Length.</summary>
    public static byte[] Message(string head, byte[] body)
    {
        var start = Encoding.ASCII.GetBytes($"{head}\r\nContent-Length: {body.Length}\r\n\r\n");
        return [.. start, .. body];
    }
}
