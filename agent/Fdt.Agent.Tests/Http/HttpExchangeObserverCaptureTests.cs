using System.Text;
using Fdt.Agent.Inspection;
using Fdt.Agent.Tests.Inspection;
using Fdt.Testing;

namespace Fdt.Agent.Tests.Http;

/// <summary>What the observer captures for the inspector as the bytes pass.</summary>
public sealed class HttpExchangeObserverCaptureTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Capture_Exchange_KeepsHeadsBodiesTimingsAndSizes()
    {
        var store = Captures.Store(time: _time);
        var observer = Captures.Observer(store);

        observer.Requests.Feed(Encoding.ASCII.GetBytes("POST /hooks?x=1 HTTP/1.1\r\nHost: demo.localhost:8080\r\nContent-Type: application/json\r\nX-Forwarded-For: 203.0.113.9, 198.51.100.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: demo.example.com\r\nContent-Length: 7\r\n\r\n{\"a\":1}"));
        var exchange = observer.LastRequestCapture!;
        Assert.Equal(ExchangeState.Pending, exchange.State);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        observer.Responses.Feed(Encoding.ASCII.GetBytes("HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhe"));
        Assert.Equal(ExchangeState.Receiving, exchange.State);
        _time.Advance(TimeSpan.FromMilliseconds(3));
        observer.Responses.Feed("llo"u8);

        Assert.Equal(ExchangeState.Complete, exchange.State);
        Assert.Equal("POST", exchange.Method);
        Assert.Equal("/hooks?x=1", exchange.Target);
        Assert.Equal("HTTP/1.1", exchange.Request.Version);
        Assert.Equal("application/json", exchange.Request.Get("content-type"));
        Assert.Equal(6, exchange.Request.Headers.Count);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(exchange.RequestBody.ToArray()));
        Assert.Equal(201, exchange.Status);
        Assert.Equal("Created", exchange.Reason);
        Assert.Equal("hello", Encoding.UTF8.GetString(exchange.ResponseBody.ToArray()));
        Assert.Equal(5, exchange.ResponseBody.Size);
        Assert.Equal(TimeSpan.FromMilliseconds(5), exchange.TimeToFirstByte);
        Assert.Equal(TimeSpan.FromMilliseconds(8), exchange.Duration);
        Assert.Equal("198.51.100.7", exchange.RemoteAddress);
        Assert.Equal("https://demo.example.com/hooks?x=1", exchange.PublicUrl);
    }

    [Fact]
    public void Capture_StreamHeaderAddress_WinsOverForwardedFor()
    {
        var store = Captures.Store();
        var observer = Captures.Observer(store, remoteAddress: "192.0.2.1:5555");

        observer.Requests.Feed("GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n"u8);

        Assert.Equal("192.0.2.1:5555", observer.LastRequestCapture!.RemoteAddress);
    }

    [Fact]
    public void Capture_ChunkedRequestInPieces_DecodesBody()
    {
        var store = Captures.Store();
        var observer = Captures.Observer(store);
        var request = "PUT /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, chunk\r\n3\r\ned!\r\n0\r\nX-Trailer: t\r\n\r\n"u8.ToArray();

        // Byte at a time: chunk sizes and data split anywhere.
        foreach (var b in request)
        {
            observer.Requests.Feed([b]);
        }

        observer.Responses.Feed("HTTP/1.1 204 No Content\r\n\r\n"u8);
        var exchange = observer.LastRequestCapture!;

        Assert.Equal("hello, chunked!", Encoding.ASCII.GetString(exchange.RequestBody.ToArray()));
        Assert.Equal(15, exchange.RequestBody.Size);
        Assert.False(exchange.RequestBody.IsTruncated);
        Assert.Equal(ExchangeState.Complete, exchange.State);
    }

    [Fact]
    public void Capture_BodyOverLimit_KeepsTheLimitCountsEverythingAndMarksTruncated()
    {
        var store = Captures.Store(bodyLimit: 1000, memoryLimit: 1024 * 1024);
        var body = OriginBody(5000);

        var exchange = Captures.Exchange(store, Captures.Message("POST /big HTTP/1.1", body), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n"u8.ToArray().Concat(new byte[2000]).Concat("\r\n0\r\n\r\n"u8.ToArray()).ToArray());

        Assert.Equal(5000, exchange.RequestBody.Size);
        Assert.Equal(1000, exchange.RequestBody.CapturedSize);
        Assert.Equal(BodyTruncation.BodyLimit, exchange.RequestBody.Truncation);
        Assert.Equal(body.AsSpan(0, 1000).ToArray(), exchange.RequestBody.ToArray());
        Assert.Equal(2000, exchange.ResponseBody.Size);
        Assert.Equal(1000, exchange.ResponseBody.CapturedSize);
        Assert.True(exchange.ResponseBody.IsTruncated);
    }

    [Fact]
    public void Capture_ServerSentEvents_CountsEventsAsTheyArrive()
    {
        var store = Captures.Store();
        var observer = Captures.Observer(store);
        observer.Requests.Feed("GET /sse HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n"u8);
        observer.Responses.Feed("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8);
        var exchange = observer.LastRequestCapture!;

        observer.Responses.Feed("e\r\ndata: one\r\n\r\n\r\n"u8);
        observer.Responses.Feed("15\r\nid: 2\ndata: two\n\n: x\n\r\n"u8);

        Assert.Equal(ExchangeState.Receiving, exchange.State);
        Assert.Equal(2, exchange.ServerSentEvents);
        observer.Responses.Feed("0\r\n\r\n"u8);
        Assert.Equal(ExchangeState.Complete, exchange.State);
    }

    [Fact]
    public void Capture_WebSocket_RecordsHandshakeAndCountsMessagesBothWays()
    {
        var store = Captures.Store();
        var observer = Captures.Observer(store);
        observer.Requests.Feed("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"u8);
        observer.Responses.Feed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"u8);
        var exchange = observer.LastRequestCapture!;

        // Visitor: a masked text message in two fragments, a masked ping; service: a 300-byte binary message.
        observer.Requests.Feed([0x01, 0x83, 1, 2, 3, 4, 9, 9, 9]);
        observer.Requests.Feed([0x80, 0x82, 1, 2, 3, 4, 9, 9, 0x89, 0x80, 1, 2, 3, 4]);
        observer.Responses.Feed([0x82, 126, 0x01, 0x2C, .. new byte[300]]);
        observer.Responses.Feed([0x88, 0x02, 0x03, 0xE8]);
        observer.Requests.OnEnd();
        observer.Responses.OnEnd();
        observer.OnConnectionClosed();

        Assert.Equal(ExchangeState.Upgraded, exchange.State);
        Assert.Equal(101, exchange.Status);
        Assert.Equal("websocket", exchange.Response!.Get("Upgrade"));
        Assert.Equal(1, exchange.WebSocket!.MessagesFromClient);
        Assert.Equal(1, exchange.WebSocket.MessagesFromServer);
        Assert.True(exchange.WebSocket.Closed);
    }

    [Fact]
    public void Capture_ConnectionEndsBeforeResponse_MarksIncomplete()
    {
        var store = Captures.Store(time: _time);
        var observer = Captures.Observer(store);
        observer.Requests.Feed("GET /slow HTTP/1.1\r\n\r\n"u8);
        observer.Responses.Feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"u8);
        _time.Advance(TimeSpan.FromSeconds(1));

        observer.OnConnectionClosed();

        var exchange = store.List(new ExchangeQuery()).Single();
        Assert.Equal(ExchangeState.Incomplete, exchange.State);
        Assert.Equal(TimeSpan.FromSeconds(1), exchange.Duration);
        Assert.Equal("partial", Encoding.ASCII.GetString(exchange.ResponseBody.ToArray()));
    }

    [Fact]
    public void Capture_InterimContinue_KeepsTheFinalResponse()
    {
        var store = Captures.Store();

        var exchange = Captures.Exchange(store, "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(200, exchange.Status);
        Assert.Equal("yes", exchange.Response!.Get("X-Final"));
    }

    private static byte[] OriginBody(int length) => OriginServer.Content(length);
}
