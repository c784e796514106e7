using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using System.Text;
using Fdt.Edge.Tls;

namespace Fdt.Edge.Tests.Tls;

/// <summary>The SNI reader against ClientHellos that .NET's own TLS client sends.</summary>
public sealed class TlsClientHelloTests
{
    [Fact]
    public async Task WholeHello_YieldsTheServerNameAndItsLength()
    {
        var hello = await CaptureHelloAsync("MyApp.Example.test");

        var status = TlsClientHello.TryRead(new ReadOnlySequence<byte>(hello), out var name, out var length);

        Assert.Equal(ClientHelloStatus.Complete, status);
        Assert.Equal("myapp.example.test", name);
        Assert.Equal(hello.Length, length);
    }

    [Fact]
    public async Task EveryShorterPrefix_IsIncomplete()
    {
        var hello = await CaptureHelloAsync("myapp.example.test");

        for (var cut = 0; cut < hello.Length; cut++)
        {
            Assert.Equal(ClientHelloStatus.Incomplete, TlsClientHello.TryRead(new ReadOnlySequence<byte>(hello, 0, cut), out _, out _));
        }
    }

    [Fact]
    public async Task HelloSplitOverTwoRecords_IsReassembled()
    {
        var hello = await CaptureHelloAsync("split.example.test");
        var handshake = hello.AsSpan(5).ToArray();
        var split = handshake.Length / 3;
        byte[] twoRecords = [.. Record(handshake.AsSpan(0, split)), .. Record(handshake.AsSpan(split))];

        var status = TlsClientHello.TryRead(new ReadOnlySequence<byte>(twoRecords), out var name, out var length);

        Assert.Equal(ClientHelloStatus.Complete, status);
        Assert.Equal("split.example.test", name);
        Assert.Equal(twoRecords.Length, length);
    }

    [Fact]
    public async Task HelloToAnAddress_HasNoServerName()
    {
        // TLS clients send no SNI for IP addresses.
        var hello = await CaptureHelloAsync("127.0.0.1");

        Assert.Equal(ClientHelloStatus.Complete, TlsClientHello.TryRead(new ReadOnlySequence<byte>(hello), out var name, out _));
        Assert.Null(name);
    }

    [Fact]
    public void PlainHttp_IsInvalid()
    {
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(ClientHelloStatus.Invalid, TlsClientHello.TryRead(new ReadOnlySequence<byte>(request), out _, out _));
    }

    [Theory]
    [InlineData(3, 0x40, 0x01)] // record length 16385: over the limit
    [InlineData(3, 0x00, 0x00)] // empty record
    [InlineData(2, 0x00, 0x10)] // not TLS 1.x framing
    public void BadRecordHeader_IsInvalid(byte major, byte lengthHigh, byte lengthLow)
    {
        byte[] header = [22, major, 1, lengthHigh, lengthLow];

        Assert.Equal(ClientHelloStatus.Invalid, TlsClientHello.TryRead(new ReadOnlySequence<byte>(header), out _, out _));
    }

    [Fact]
    public async Task ExtensionLengthBeyondTheMessage_IsInvalid()
    {
        var hello = await CaptureHelloAsync("myapp.example.test");

        // The extensions' total length sits right after the compression methods: make it too large.
        var body = 5 + 4;
        var offset = body + 2 + 32;
        offset += 1 + hello[offset];
        offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(offset));
        offset += 1 + hello[offset];
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(offset), 0xFFFF);

        Assert.Equal(ClientHelloStatus.Invalid, TlsClientHello.TryRead(new ReadOnlySequence<byte>(hello), out _, out _));
    }

    private static byte[] Record(ReadOnlySpan<byte> payload)
    {
        var record = new byte[5 + payload.Length];
        record[0] = 22;
        record[1] = 3;
        record[2] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)payload.Length);
        payload.CopyTo(record.AsSpan(5));
        return record;
    }

    /// <summary>The first flight of .NET's TLS client for <paramref name="host"/>: its ClientHello.</summary>
    private static async Task<byte[]> CaptureHelloAsync(string host)
    {
        var capture = new CaptureStream();
        using var tls = new SslStream(capture);
        using var stop = new CancellationTokenSource();
        var handshake = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, stop.Token);
        var hello = await capture.FirstWrite.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return hello;
    }

    /// <summary>Records what is written; reads wait until canceled (no server ever answers).</summary>
    private sealed class CaptureStream : Stream
    {
        public TaskCompletionSource<byte[]> FirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            FirstWrite.TrySetResult(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => FirstWrite.TrySetResult(buffer.AsSpan(offset, count).ToArray());
    }
}
