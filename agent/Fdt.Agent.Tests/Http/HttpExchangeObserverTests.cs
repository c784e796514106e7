using System.Text;
using Fdt.Agent.Http;
using Fdt.Testing;

namespace Fdt.Agent.Tests.Http;

public sealed class HttpExchangeObserverTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<HttpExchange> _exchanges = [];
    private readonly HttpExchangeObserver _observer;

    public HttpExchangeObserverTests()
    {
        _observer = new HttpExchangeObserver(_time, _exchanges.Add);
    }

    [Fact]
    public void Feed_SimpleGet_ReportsExchangeWithDuration()
    {
        Request("GET /api/users?x=1 HTTP/1.1\r\nHost: a\r\nX-Request-Id: r-1\r\n\r\n");
        _time.Advance(TimeSpan.FromMilliseconds(12));
        Response("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");

        var exchange = Assert.Single(_exchanges);
        Assert.Equal("GET", exchange.Method);
        Assert.Equal("/api/users?x=1", exchange.Target);
        Assert.Equal(200, exchange.Status);
        Assert.Equal("OK", exchange.Reason);
        Assert.Equal("r-1", exchange.RequestId);
        Assert.Equal("application/json", exchange.ContentType);
        Assert.Equal(2, exchange.ResponseBodyBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(12), exchange.Duration);
    }

    [Fact]
    public void Feed_ResponseBodyNotComplete_ReportsNothingYet()
    {
        Request("GET / HTTP/1.1\r\n\r\n");
        Response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
        Assert.Empty(_exchanges);
        Response("67890");
        Assert.Single(_exchanges);
    }

    [Fact]
    public void Feed_KeepAliveSequence_PairsInOrder()
    {
        Request("POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        Response("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        Request("DELETE /b HTTP/1.1\r\n\r\n");
        Response("HTTP/1.1 204 No Content\r\n\r\n");
        Request("GET /c HTTP/1.1\r\n\r\n");
        Response("HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx");

        Assert.Equal(["POST /a 201", "DELETE /b 204", "GET /c 404"], _exchanges.Select(e => $"{e.Method} {e.Target} {e.Status}"));
        Assert.Equal(3, _exchanges[0].RequestBodyBytes);
    }

    [Fact]
    public void Feed_ChunkedBothWays_CountsBodiesAndCompletes()
    {
        Request("POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
        Response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n");
        var exchange = Assert.Single(_exchanges);
        Assert.Equal(11, exchange.RequestBodyBytes);
        Assert.Equal(3, exchange.ResponseBodyBytes);
    }

    [Fact]
    public void Feed_ByteAtATime_ParsesTheSame()
    {
        foreach (var b in Encoding.ASCII.GetBytes("PUT /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody"))
        {
            _observer.Requests.Feed([b]);
        }

        foreach (var b in Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
        {
            _observer.Responses.Feed([b]);
        }

        var exchange = Assert.Single(_exchanges);
        Assert.Equal("PUT", exchange.Method);
        Assert.Equal(2, exchange.ResponseBodyBytes);
    }

    [Fact]
    public void Feed_HeadRequest_ResponseHasNoBodyDespiteLength()
    {
        Request("HEAD /file HTTP/1.1\r\n\r\n");
        Response("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
        Request("GET /next HTTP/1.1\r\n\r\n");
        Response("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz");
        Assert.Equal(["/file", "/next"], _exchanges.Select(e => e.Target));
    }

    [Fact]
    public void Feed_InterimContinue_IsSkipped()
    {
        Request("POST /big HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        Response("HTTP/1.1 100 Continue\r\n\r\n");
        Assert.Empty(_exchanges);
        Request("hi");
        Response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(200, Assert.Single(_exchanges).Status);
    }

    [Fact]
    public void Feed_SwitchingProtocols_ReportsThenStopsObserving()
    {
        Request("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        Response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
        Request("\x81\x05hello-not-http");
        Response("\x81\x05frames");
        var exchange = Assert.Single(_exchanges);
        Assert.Equal(101, exchange.Status);
        Assert.True(_observer.Requests.IsOpaque);
        Assert.True(_observer.Responses.IsOpaque);
    }

    [Fact]
    public void Feed_BodyUntilClose_CompletesAtEnd()
    {
        Request("GET /stream HTTP/1.1\r\n\r\n");
        Response("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome data");
        Assert.Empty(_exchanges);
        _observer.Responses.OnEnd();
        Assert.Equal(9, Assert.Single(_exchanges).ResponseBodyBytes);
    }

    [Theory]
    [InlineData("NOT HTTP AT ALL\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nbad header line\r\n\r\n")]
    public void Feed_MalformedResponse_GivesUpWithoutThrowing(string response)
    {
        Request("GET / HTTP/1.1\r\n\r\n");
        Response(response);
        Response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Assert.True(_observer.Responses.IsOpaque);
        Assert.Empty(_exchanges);
    }

    [Fact]
    public void Feed_ResponseWithoutRequest_GivesUp()
    {
        Response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Assert.True(_observer.Responses.IsOpaque);
    }

    [Fact]
    public void Feed_OversizedHead_GivesUp()
    {
        Request("GET / HTTP/1.1\r\nX-Big: " + new string('a', HttpMessageParser.MaxHeadBytes) + "\r\n\r\n");
        Assert.True(_observer.Requests.IsOpaque);
    }

    [Fact]
    public void Feed_BadChunkSize_GivesUp()
    {
        Request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        Assert.True(_observer.Requests.IsOpaque);
    }

    private void Request(string text) => _observer.Requests.Feed(Encoding.Latin1.GetBytes(text));

    private void Response(string text) => _observer.Responses.Feed(Encoding.Latin1.GetBytes(text));
}
