using System.IO.Pipelines;
using System.Text;
using Fdt.Edge.Listeners;

namespace Fdt.Edge.Tests.Listeners;

public sealed class H2cPriorKnowledgeMiddlewareTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Detect_Preface_IsHttp2AndBytesStayUnread()
    {
        var pipe = new Pipe();
        var bytes = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04");
        await pipe.Writer.WriteAsync(bytes, Ct);
        Assert.True(await H2cPriorKnowledgeMiddleware.DetectAsync(pipe.Reader, Ct));
        var result = await pipe.Reader.ReadAsync(Ct);
        Assert.Equal(bytes.Length, result.Buffer.Length);
    }

    [Fact]
    public async Task Detect_Http1Request_IsNotHttp2()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("GET / HTTP/1.1\r\n"u8.ToArray(), Ct);
        Assert.False(await H2cPriorKnowledgeMiddleware.DetectAsync(pipe.Reader, Ct));
    }

    [Fact]
    public async Task Detect_PrefaceInSmallPieces_WaitsThenDecides()
    {
        var pipe = new Pipe();
        var detect = H2cPriorKnowledgeMiddleware.DetectAsync(pipe.Reader, Ct).AsTask();
        foreach (var b in "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray())
        {
            Assert.False(detect.IsCompleted);
            await pipe.Writer.WriteAsync(new[] { b }, Ct);
        }

        Assert.True(await detect);
    }

    [Fact]
    public async Task Detect_ClosedBeforeAnyByte_IsNull()
    {
        var pipe = new Pipe();
        await pipe.Writer.CompleteAsync();
        Assert.Null(await H2cPriorKnowledgeMiddleware.DetectAsync(pipe.Reader, Ct));
    }
}
