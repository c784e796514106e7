using System.Text.Json;
using Fdt.Agent.Events;
using Fdt.Cli.Output;
using Fdt.Testing;

namespace Fdt.Cli.Tests.Output;

public sealed class JsonLineRendererTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 12, 0, 9, TimeSpan.Zero);

    [Fact]
    public async Task Render_FirstConnection_FirstLineIsTunnelStarted()
    {
        var lines = await RenderAsync(AgentEvents.Connecting(), AgentEvents.SessionStarted(), AgentEvents.TunnelStarted(), AgentEvents.Request());

        Assert.Equal(["tunnel_started", "request", "stopped"], lines.Select(Event));
    }

    [Fact]
    public async Task Render_InspectorStartedFirst_FollowsTheFirstTunnelStarted()
    {
        var lines = await RenderAsync(new InspectorStartedEvent(Now, new Uri("http://127.0.0.1:4040")), AgentEvents.Connecting(), AgentEvents.TunnelStarted(), AgentEvents.Request());

        Assert.Equal(["tunnel_started", "inspector_started", "request", "stopped"], lines.Select(Event));
        Assert.Equal("http://127.0.0.1:4040", lines[1].GetProperty("url").GetString());
        Assert.Equal("info", lines[1].GetProperty("level").GetString());
    }

    [Fact]
    public async Task Render_InspectorUnavailable_IsAWarning()
    {
        var lines = await RenderAsync(AgentEvents.TunnelStarted(), new InspectorUnavailableEvent(Now, "taken"));

        Assert.Equal("inspector_unavailable", Event(lines[1]));
        Assert.Equal("warn", lines[1].GetProperty("level").GetString());
        Assert.Equal("taken", lines[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Render_Reconnect_ShowsEveryStepAfterTheFirstTunnel()
    {
        var lines = await RenderAsync(
            AgentEvents.Connecting(), AgentEvents.SessionStarted(), AgentEvents.TunnelStarted(),
            AgentEvents.ConnectionLost(), AgentEvents.Reconnecting(), AgentEvents.Connecting(1), AgentEvents.SessionStarted(resumed: true), AgentEvents.TunnelStarted());

        Assert.Equal(
            ["tunnel_started", "connection_lost", "reconnecting", "connecting", "session_started", "tunnel_started", "stopped"],
            lines.Select(Event));
    }

    [Fact]
    public async Task Render_AnyLine_HasUtcIsoTimeLevelAndEvent()
    {
        var local = new DateTimeOffset(2025, 1, 2, 14, 0, 1, 250, TimeSpan.FromHours(2));
        var lines = await RenderAsync(AgentEvents.TunnelStarted() with { Time = local });

        var first = lines[0];
        Assert.Equal(["time", "level", "event"], first.EnumerateObject().Take(3).Select(p => p.Name));
        Assert.Equal("2025-01-02T12:00:01.250Z", first.GetProperty("time").GetString());
        Assert.Equal(local, DateTimeOffset.Parse(first.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("2025-01-02T12:00:09.000Z", lines[1].GetProperty("time").GetString());
    }

    [Fact]
    public async Task Render_TunnelStarted_WritesTunnelFields()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(nameChanged: true)))[0];

        AssertFields(line, "info", "tunnel_started", "tunnel_id", "name", "url", "urls", "local", "name_changed");
        Assert.Equal("tun-1", line.GetProperty("tunnel_id").GetString());
        Assert.Equal("abc", line.GetProperty("name").GetString());
        Assert.Equal("http://abc.localhost:8080", line.GetProperty("url").GetString());
        Assert.Equal(["http://abc.localhost:8080", "https://abc.localhost:8443"], line.GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("http://localhost:3000", line.GetProperty("local").GetString());
        Assert.True(line.GetProperty("name_changed").GetBoolean());
    }

    [Fact]
    public async Task Render_SessionStartedAfterTunnel_WritesSessionFields()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.SessionStarted(resumed: true)))[1];

        AssertFields(line, "info", "session_started", "session_id", "account", "edge_id", "resumed");
        Assert.Equal("sess-1", line.GetProperty("session_id").GetString());
        Assert.Equal("dev", line.GetProperty("account").GetString());
        Assert.Equal("edge-1", line.GetProperty("edge_id").GetString());
        Assert.True(line.GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task Render_ConnectingAfterTunnel_WritesServerAndAttempt()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.Connecting(3)))[1];

        AssertFields(line, "info", "connecting", "server", "attempt");
        Assert.Equal("http://localhost:8080/", line.GetProperty("server").GetString());
        Assert.Equal(3, line.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Render_ConnectionLost_WritesReasonAsWarning()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.ConnectionLost()))[1];

        AssertFields(line, "warn", "connection_lost", "reason");
        Assert.Equal("the edge closed the connection", line.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Render_Reconnecting_WritesAttemptDelayAndReason()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.Reconnecting(2)))[1];

        AssertFields(line, "info", "reconnecting", "attempt", "delay_ms", "reason");
        Assert.Equal(2, line.GetProperty("attempt").GetInt32());
        Assert.Equal(400, line.GetProperty("delay_ms").GetInt64());
        Assert.Equal("connection refused", line.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Render_Request_WritesExchangeFields()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.Request()))[1];

        AssertFields(line, "info", "request", "tunnel", "method", "path", "status", "reason", "duration_ms", "request_bytes", "response_bytes", "request_id");
        Assert.Equal("abc", line.GetProperty("tunnel").GetString());
        Assert.Equal("GET", line.GetProperty("method").GetString());
        Assert.Equal("/api?x=1", line.GetProperty("path").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal("OK", line.GetProperty("reason").GetString());
        Assert.Equal(3.125, line.GetProperty("duration_ms").GetDouble());
        Assert.Equal(12, line.GetProperty("request_bytes").GetInt64());
        Assert.Equal(3456, line.GetProperty("response_bytes").GetInt64());
        Assert.Equal("req-42", line.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Render_RequestWithoutId_WritesNullRequestId()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.Request(requestId: null)))[1];

        Assert.Equal(JsonValueKind.Null, line.GetProperty("request_id").ValueKind);
    }

    [Fact]
    public async Task Render_LocalServiceError_WritesTargetAndReasonAsWarning()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.LocalServiceError()))[1];

        AssertFields(line, "warn", "local_service_error", "tunnel", "target", "reason");
        Assert.Equal("abc", line.GetProperty("tunnel").GetString());
        Assert.Equal("http://localhost:3000", line.GetProperty("target").GetString());
        Assert.Equal("connection refused", line.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Render_RequestDenied_WritesRuleReasonAndCodeAsWarning()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.RequestDenied(suppressed: 2)))[1];

        AssertFields(line, "warn", "request_denied", "tunnel", "method", "path", "status", "code", "rule", "reason", "remote_addr", "suppressed");
        Assert.Equal("/hooks/stripe", line.GetProperty("path").GetString());
        Assert.Equal(403, line.GetProperty("status").GetInt32());
        Assert.Equal("webhook", line.GetProperty("rule").GetString());
        Assert.Equal("stale-timestamp", line.GetProperty("reason").GetString());
        Assert.Equal(2, line.GetProperty("suppressed").GetInt32());
    }

    [Fact]
    public async Task Render_Notice_WritesNoticeLevelCodeAndMessage()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.Notice()))[1];

        AssertFields(line, "warn", "notice", "notice_level", "code", "message");
        Assert.Equal("warning", line.GetProperty("notice_level").GetString());
        Assert.Equal("ERR_FDT_2010", line.GetProperty("code").GetString());
        Assert.Equal("Maintenance at 13:00.", line.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("info", "info")]
    [InlineData("warning", "warn")]
    [InlineData("error", "error")]
    [InlineData("something", "info")]
    public async Task Render_NoticeLevel_MapsToLineLevel(string noticeLevel, string level)
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.Notice() with { Level = noticeLevel }))[1];

        Assert.Equal(level, line.GetProperty("level").GetString());
    }

    [Fact]
    public async Task Render_TunnelStopped_WritesCodeAndMessageAsWarning()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.TunnelStopped()))[1];

        AssertFields(line, "warn", "tunnel_stopped", "tunnel", "code", "message");
        Assert.Equal("abc", line.GetProperty("tunnel").GetString());
        Assert.Equal("ERR_FDT_2009", line.GetProperty("code").GetString());
        Assert.Equal("Stopped by an operator.", line.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Render_Draining_WritesReason()
    {
        var line = (await RenderAsync(AgentEvents.TunnelStarted(), AgentEvents.Draining()))[1];

        AssertFields(line, "info", "draining", "reason");
        Assert.Equal("deploy", line.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Complete_Clean_WritesStoppedOnce()
    {
        var writer = new StringWriter();
        var renderer = new JsonLineRenderer(writer, new FakeTimeProvider(Now));

        await renderer.CompleteAsync(null);
        await renderer.CompleteAsync(null);

        var line = Assert.Single(Parse(writer));
        AssertFields(line, "info", "stopped");
    }

    [Fact]
    public async Task Complete_Error_WritesCodeExitCodeMessageAndHint()
    {
        var lines = await RenderAsync(
            new CliError(ExitCodes.TunnelRefused, "The name is in use.", "ERR_FDT_2004", "Pick another name."),
            AgentEvents.Connecting(), AgentEvents.SessionStarted());

        var line = Assert.Single(lines);
        AssertFields(line, "error", "error", "code", "exit_code", "message", "hint");
        Assert.Equal("ERR_FDT_2004", line.GetProperty("code").GetString());
        Assert.Equal(4, line.GetProperty("exit_code").GetInt32());
        Assert.Equal("The name is in use.", line.GetProperty("message").GetString());
        Assert.Equal("Pick another name.", line.GetProperty("hint").GetString());
    }

    [Fact]
    public async Task Render_ControlCharactersInPath_EscapedAndRoundTrip()
    {
        var request = AgentEvents.Request();
        request = request with { Exchange = request.Exchange with { Target = "/a\u001b[31m\"b\nc/é" } };

        var writer = new StringWriter();
        var renderer = new JsonLineRenderer(writer, new FakeTimeProvider(Now));
        renderer.Post(AgentEvents.TunnelStarted());
        renderer.Post(request);
        await renderer.CompleteAsync(null);

        Assert.DoesNotContain('\u001b', writer.ToString());
        Assert.Equal(3, writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("/a\u001b[31m\"b\nc/é", Parse(writer)[1].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Render_Started_FlushesEveryLineAsItIsWritten()
    {
        var writer = new FlushRecordingWriter();
        var renderer = new JsonLineRenderer(writer, new FakeTimeProvider(Now));
        renderer.Start(static () => null);

        renderer.Post(AgentEvents.TunnelStarted());
        renderer.Post(AgentEvents.Request());
        await renderer.CompleteAsync(null);

        Assert.Equal(3, writer.Flushed.Count);
        Assert.All(writer.Flushed, flushed => Assert.EndsWith("\n", flushed, StringComparison.Ordinal));
        Assert.Equal(writer.ToString(), writer.Flushed[^1]);
    }

    [Fact]
    public async Task Post_AfterComplete_Ignored()
    {
        var writer = new StringWriter();
        var renderer = new JsonLineRenderer(writer, new FakeTimeProvider(Now));
        renderer.Start(static () => null);
        await renderer.CompleteAsync(null);

        renderer.Post(AgentEvents.TunnelStarted());
        await renderer.DisposeAsync();

        Assert.Equal(["stopped"], Parse(writer).Select(Event));
    }

    private static Task<List<JsonElement>> RenderAsync(params AgentEvent[] events) => RenderAsync(null, events);

    private static async Task<List<JsonElement>> RenderAsync(CliError? end, params AgentEvent[] events)
    {
        var writer = new StringWriter();
        await using var renderer = new JsonLineRenderer(writer, new FakeTimeProvider(Now));
        foreach (var agentEvent in events)
        {
            renderer.Post(agentEvent);
        }

        await renderer.CompleteAsync(end);
        return Parse(writer);
    }

    private static List<JsonElement> Parse(StringWriter writer)
    {
        var text = writer.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return [.. text.TrimEnd('\n').Split('\n').Select(static line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        })];
    }

    private static string Event(JsonElement line) => line.GetProperty("event").GetString()!;

    private static void AssertFields(JsonElement line, string level, string eventName, params string[] fields)
    {
        Assert.Equal(level, line.GetProperty("level").GetString());
        Assert.Equal(eventName, Event(line));
        Assert.Equal(["time", "level", "event", .. fields], line.EnumerateObject().Select(p => p.Name));
    }

    private sealed class FlushRecordingWriter : StringWriter
    {
        public List<string> Flushed { get; } = [];

        public override void Flush()
        {
            base.Flush();
            Flushed.Add(ToString());
        }
    }
}
