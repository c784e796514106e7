using Fdt.Protocol.Streams;

namespace Fdt.Protocol.Tests.Streams;

public sealed class StreamHeaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Encode_MatchesGoldenBytes()
    {
        var bytes = new StreamHeader { TunnelId = "t1", Kind = StreamKind.Http, RemoteEndPoint = "1.2.3.4:5" }.Encode();
        // version 1, body length 21: tunnel id (tag 1, len 2, "t1"), kind (tag 3, len 1, 1), remote (tag 2, len 9, "1.2.3.4:5")
        Assert.Equal("01001501000274310300010102000931 2E322E332E343A35".Replace(" ", ""), Convert.ToHexString(bytes));
    }

    [Fact]
    public async Task ReadAsync_RoundTripsAllFields()
    {
        var header = new StreamHeader { TunnelId = "tun_abc", Kind = StreamKind.Tls, RemoteEndPoint = "[::1]:4000", ServerName = "a.example.com", RequestId = "r-1" };
        var read = await StreamHeader.ReadAsync(new MemoryStream(header.Encode()), Ct);
        Assert.Equal(header, read);
    }

    [Fact]
    public void Parse_UnknownTag_IsSkipped()
    {
        byte[] body = [9, 0, 2, 0xAA, 0xBB, 1, 0, 1, (byte)'t', 3, 0, 1, 2];
        var header = StreamHeader.Parse(body);
        Assert.Equal("t", header.TunnelId);
        Assert.Equal(StreamKind.Tcp, header.Kind);
    }

    [Fact]
    public async Task ReadAsync_BodyLongerThanLimit_ThrowsBeforeAllocating()
    {
        await Assert.ThrowsAsync<InvalidDataException>(async () => await StreamHeader.ReadAsync(new MemoryStream([1, 0xFF, 0xFF]), Ct));
    }

    [Fact]
    public async Task ReadAsync_BadVersion_Throws()
    {
        await Assert.ThrowsAsync<InvalidDataException>(async () => await StreamHeader.ReadAsync(new MemoryStream([2, 0, 0]), Ct));
    }

    [Fact]
    public async Task ReadAsync_Truncated_Throws()
    {
        var bytes = new StreamHeader { TunnelId = "t1", Kind = StreamKind.Http }.Encode();
        await Assert.ThrowsAsync<InvalidDataException>(async () => await StreamHeader.ReadAsync(new MemoryStream(bytes[..^1]), Ct));
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 5 })]
    [InlineData(new byte[] { 3, 0, 1, 9 })]
    [InlineData(new byte[] { 3, 0, 1, 1 })]
    public void Parse_MalformedOrIncomplete_Throws(byte[] body)
    {
        Assert.Throws<InvalidDataException>(() => StreamHeader.Parse(body));
    }

    [Fact]
    public async Task StreamReply_RoundTrips()
    {
        var reply = new StreamReply(StreamReplyStatus.LocalServiceUnavailable, "connection refused to localhost:3000");
        var read = await StreamReply.ReadAsync(new MemoryStream(reply.Encode()), Ct);
        Assert.Equal(reply, read);
        Assert.Same(StreamReply.Connected, await StreamReply.ReadAsync(new MemoryStream(StreamReply.Connected.Encode()), Ct));
    }

    [Fact]
    public async Task StreamReply_MessageTooLong_Throws()
    {
        await Assert.ThrowsAsync<InvalidDataException>(async () => await StreamReply.ReadAsync(new MemoryStream([1, 0xFF, 0xFF]), Ct));
    }
}
