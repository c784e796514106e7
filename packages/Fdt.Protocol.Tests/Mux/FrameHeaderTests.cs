using Fdt.Protocol.Mux;

namespace Fdt.Protocol.Tests.Mux;

public sealed class FrameHeaderTests
{
    public static TheoryData<string, FrameHeader, string> GoldenFrames => new()
    {
        // Bytes follow the yamux spec: version, type, flags (BE16), stream id (BE32), length (BE32).
        { "data with SYN", new FrameHeader(FrameType.Data, FrameFlags.Syn, 1, 5), "00 00 00 01 00 00 00 01 00 00 00 05" },
        { "data with FIN", new FrameHeader(FrameType.Data, FrameFlags.Fin, 0x01020304, 0), "00 00 00 04 01 02 03 04 00 00 00 00" },
        { "window update with ACK", new FrameHeader(FrameType.WindowUpdate, FrameFlags.Ack, 2, 262144), "00 01 00 02 00 00 00 02 00 04 00 00" },
        { "window update with RST", new FrameHeader(FrameType.WindowUpdate, FrameFlags.Rst, 7, 0), "00 01 00 08 00 00 00 07 00 00 00 00" },
        { "ping request", new FrameHeader(FrameType.Ping, FrameFlags.Syn, 0, 0xDEADBEEF), "00 02 00 01 00 00 00 00 DE AD BE EF" },
        { "ping response", new FrameHeader(FrameType.Ping, FrameFlags.Ack, 0, 42), "00 02 00 02 00 00 00 00 00 00 00 2A" },
        { "go away normal", new FrameHeader(FrameType.GoAway, FrameFlags.None, 0, (uint)GoAwayCode.Normal), "00 03 00 00 00 00 00 00 00 00 00 00" },
        { "go away protocol error", new FrameHeader(FrameType.GoAway, FrameFlags.None, 0, (uint)GoAwayCode.ProtocolError), "00 03 00 00 00 00 00 00 00 00 00 01" },
        { "go away internal error", new FrameHeader(FrameType.GoAway, FrameFlags.None, 0, (uint)GoAwayCode.InternalError), "00 03 00 00 00 00 00 00 00 00 00 02" },
    };

    [Theory]
    [MemberData(nameof(GoldenFrames))]
    public void WriteTo_KnownFrame_MatchesGoldenBytes(string name, FrameHeader header, string hex)
    {
        var bytes = new byte[FrameHeader.Size];
        header.WriteTo(bytes);
        Assert.True(Convert.FromHexString(hex.Replace(" ", "")).AsSpan().SequenceEqual(bytes), name);
    }

    [Theory]
    [MemberData(nameof(GoldenFrames))]
    public void Read_GoldenBytes_RoundTrips(string name, FrameHeader header, string hex)
    {
        var parsed = FrameHeader.Read(Convert.FromHexString(hex.Replace(" ", "")), out var version);
        Assert.Equal(0, version);
        Assert.Equal(header, parsed);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Read_ShortInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => FrameHeader.Read(new byte[11], out _));
    }

    [Fact]
    public void Read_ReportsVersionByte()
    {
        var bytes = new byte[FrameHeader.Size];
        bytes[0] = 7;
        FrameHeader.Read(bytes, out var version);
        Assert.Equal(7, version);
    }
}
