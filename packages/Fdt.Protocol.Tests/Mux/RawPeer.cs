using Fdt.Protocol.Mux;
using Fdt.Testing;

namespace Fdt.Protocol.Tests.Mux;

/// <summary>
/// A session under test wired to a hand-driven peer: the test writes arbitrary bytes and reads
/// exactly what the session sent.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private RawPeer(MuxSession session, DuplexPipeStream wire)
    {
        Session = session;
        Wire = wire;
    }

    public MuxSession Session { get; }

    public DuplexPipeStream Wire { get; }

    public static RawPeer StartServer(MuxOptions? options = null)
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        return new RawPeer(MuxSession.StartServer(a, options ?? new MuxOptions { EnableKeepAlive = false }), b);
    }

    public static RawPeer StartClient(MuxOptions? options = null)
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        return new RawPeer(MuxSession.StartClient(a, options ?? new MuxOptions { EnableKeepAlive = false }), b);
    }

    public Task SendAsync(FrameHeader header, byte[]? payload = null)
    {
        var bytes = new byte[FrameHeader.Size + (payload?.Length ?? 0)];
        header.WriteTo(bytes);
        payload?.CopyTo(bytes, FrameHeader.Size);
        return Wire.WriteAsync(bytes, TestContext.Current.CancellationToken).AsTask();
    }

    public Task SendRawAsync(byte[] bytes) => Wire.WriteAsync(bytes, TestContext.Current.CancellationToken).AsTask();

    /// <summary>Reads the next frame the session sent (header and payload).</summary>
    public async Task<(FrameHeader Header, byte[] Payload)> ReceiveAsync()
    {
        var header = new byte[FrameHeader.Size];
        await Wire.ReadExactlyAsync(header, TestContext.Current.CancellationToken);
        var parsed = FrameHeader.Read(header, out _);
        var payload = new byte[parsed.Type == FrameType.Data ? parsed.Length : 0];
        await Wire.ReadExactlyAsync(payload, TestContext.Current.CancellationToken);
        return (parsed, payload);
    }

    /// <summary>Reads frames until one matches, returning it.</summary>
    public async Task<FrameHeader> ReceiveUntilAsync(Func<FrameHeader, bool> match)
    {
        while (true)
        {
            var (header, _) = await ReceiveAsync();
            if (match(header))
            {
                return header;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Session.Abort("test over");
        await Wire.DisposeAsync();
    }
}
