using Fdt.Protocol.WebSockets;

namespace Fdt.Protocol.Tests.WebSockets;

public sealed class WebSocketFrameCounterTests
{
    [Fact]
    public void Feed_LongFramesSplitAnywhere_CountsMessages()
    {
        var counts = new WebSocketCounts();
        var counter = new WebSocketFrameCounter(counts, fromClient: false);
        byte[] stream =
        [
            0x81, 0x05, .. "hello"u8.ToArray(),
            0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, .. new byte[65536],
            0x89, 0x00,
        ];

        foreach (var chunk in stream.Chunk(7))
        {
            counter.Feed(chunk);
        }

        Assert.Equal(2, counts.MessagesFromServer);
        Assert.Equal(0, counts.MessagesFromClient);
        Assert.False(counts.Closed);
    }

    [Fact]
    public void Feed_ReservedOpcode_StopsCounting()
    {
        var counts = new WebSocketCounts();
        var counter = new WebSocketFrameCounter(counts, fromClient: true);

        counter.Feed([0x83, 0x00, 0x81, 0x00]);

        Assert.Equal(0, counts.MessagesFromClient);
    }
}
