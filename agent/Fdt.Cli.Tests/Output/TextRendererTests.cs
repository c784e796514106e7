using Fdt.Agent.Events;
using Fdt.Cli.Output;
using Fdt.Testing;

namespace Fdt.Cli.Tests.Output;

public sealed class TextRendererTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 12, 0, 9, TimeSpan.Zero);

    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    [Fact]
    public async Task Render_TunnelStarted_PrintsUrlsAndLocalWithTime()
    {
        await RenderAsync(null, AgentEvents.TunnelStarted());

        Assert.Equal("12:00:01 tunnel started: http://abc.localhost:8080, https://abc.localhost:8443 -> http://localhost:3000", Lines()[0]);
    }

    [Fact]
    public async Task Render_Inspector_PrintsItsUrlOrWhyItDidNotStart()
    {
        await RenderAsync(null, new InspectorStartedEvent(Now, new Uri("http://127.0.0.1:4041")), new InspectorUnavailableEvent(Now, "ports 4040-4049 are taken"));

        Assert.Equal(["12:00:09 inspector: http://127.0.0.1:4041", "12:00:09 inspector not started: ports 4040-4049 are taken"], Lines()[..2]);
    }

    [Fact]
    public async Task Render_Request_PrintsMethodPathStatusAndDuration()
    {
        await RenderAsync(null, AgentEvents.Request());

        Assert.Equal("12:00:01 GET /api?x=1 200 OK 3.1 ms", Lines()[0]);
    }

    [Fact]
    public async Task Render_ConnectionLostThenReconnecting_PrintsOneLine()
    {
        await RenderAsync(null, AgentEvents.ConnectionLost(), AgentEvents.Reconnecting(1), AgentEvents.Connecting(1));

        Assert.Equal(
            [
                "12:00:01 connection lost: the edge closed the connection; reconnecting in 0.4 s (attempt 1)",
                "12:00:01 connecting to http://localhost:8080/ (attempt 1)",
                "12:00:09 stopped",
            ],
            Lines());
    }

    [Fact]
    public async Task Render_ReconnectingAfterFailedAttempt_PrintsRetry()
    {
        await RenderAsync(null, AgentEvents.Reconnecting(2));

        Assert.Equal("12:00:01 could not connect: connection refused; retrying in 0.4 s (attempt 2)", Lines()[0]);
    }

    [Fact]
    public async Task Render_ConnectionLostAtTheEnd_StillPrinted()
    {
        await RenderAsync(null, AgentEvents.ConnectionLost());

        Assert.Equal(["12:00:01 connection lost: the edge closed the connection", "12:00:09 stopped"], Lines());
    }

    public static TheoryData<AgentEvent, string> Descriptions => new()
    {
        { AgentEvents.Connecting(), "connecting to http://localhost:8080/" },
        { AgentEvents.SessionStarted(), "session started (account dev)" },
        { AgentEvents.SessionStarted(resumed: true), "session resumed (account dev)" },
        { AgentEvents.TunnelStarted(nameChanged: true), "tunnel started: http://abc.localhost:8080, https://abc.localhost:8443 -> http://localhost:3000 (new name abc: the previous one was taken)" },
        { AgentEvents.LocalServiceError(), "abc: cannot reach the local service at http://localhost:3000: connection refused" },
        { AgentEvents.Notice(), "notice (warning, ERR_FDT_2010): Maintenance at 13:00." },
        { AgentEvents.RequestDenied(), "POST /hooks/stripe 403 denied by webhook (stale-timestamp) (ERR_FDT_1106) from 203.0.113.9" },
        { AgentEvents.RequestDenied(suppressed: 12), "POST /hooks/stripe 403 denied by webhook (stale-timestamp) (ERR_FDT_1106) from 203.0.113.9 (+12 more not shown)" },
        { AgentEvents.ConnectionDenied(), "CONNECT tcp-20001 refused denied by ip (deny-list) (ERR_FDT_1102) from 198.51.100.1" },
        { AgentEvents.TunnelStopped(), "tunnel abc stopped by the server: Stopped by an operator. (ERR_FDT_2009)" },
        { AgentEvents.Draining(), "the server is restarting (deploy); fdt will reconnect" },
    };

    [Theory]
    [MemberData(nameof(Descriptions))]
    public async Task Render_Event_PrintsItsLine(AgentEvent agentEvent, string expected)
    {
        await RenderAsync(null, agentEvent);

        Assert.Equal($"12:00:01 {expected}", Lines()[0]);
    }

    [Fact]
    public async Task Complete_Clean_PrintsStopped()
    {
        await RenderAsync(null);

        Assert.Equal(["12:00:09 stopped"], Lines());
        Assert.Equal(string.Empty, _error.ToString());
    }

    [Fact]
    public async Task Complete_Error_PrintsErrorAndHintOnStandardErrorOnly()
    {
        await RenderAsync(new CliError(ExitCodes.AuthenticationFailed, "The authtoken is not valid.", "ERR_FDT_2001", "Run fdt config add-authtoken."), AgentEvents.Connecting());

        Assert.Equal(["12:00:01 connecting to http://localhost:8080/"], Lines());
        Assert.Equal(
            "ERROR: The authtoken is not valid. (ERR_FDT_2001)\nHINT: Run fdt config add-authtoken.\n",
            _error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Render_LocalTimeZone_ShowsTimeInIt()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test+2", TimeSpan.FromHours(2), "Test+2", "Test+2");
        var renderer = new TextRenderer(_out, _error, zone, new FakeTimeProvider(Now));
        renderer.Post(AgentEvents.Request());
        await renderer.CompleteAsync(null);

        Assert.StartsWith("14:00:01 GET", Lines()[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ControlCharactersInPath_Replaced()
    {
        var request = AgentEvents.Request();

        await RenderAsync(null, request with { Exchange = request.Exchange with { Target = "/x\u001b[2J\ny" } });

        Assert.Equal("12:00:01 GET /x?[2J?y 200 OK 3.1 ms", Lines()[0]);
    }

    private async Task RenderAsync(CliError? end, params AgentEvent[] events)
    {
        await using var renderer = new TextRenderer(_out, _error, TimeZoneInfo.Utc, new FakeTimeProvider(Now));
        renderer.Start(static () => null);
        foreach (var agentEvent in events)
        {
            renderer.Post(agentEvent);
        }

        await renderer.CompleteAsync(end);
    }

    private string[] Lines() => _out.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}
