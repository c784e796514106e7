using Fdt.Cli.Output.Tui;

namespace Fdt.Cli.Tests.Output.Tui;

public sealed class TuiStateTests
{
    private readonly TuiState _state = new("0.1.0");

    [Fact]
    public void Apply_FirstConnection_ConnectingThenOnlineWithForwarding()
    {
        _state.Apply(AgentEvents.Connecting());
        Assert.Equal(SessionStatus.Connecting, _state.Snapshot(null).Status);

        _state.Apply(AgentEvents.SessionStarted());
        _state.Apply(AgentEvents.TunnelStarted());
        var snapshot = _state.Snapshot(TimeSpan.FromMilliseconds(20));

        Assert.Equal(SessionStatus.Online, snapshot.Status);
        Assert.Equal("dev", snapshot.Account);
        Assert.Equal("0.1.0", snapshot.Version);
        Assert.Equal(TimeSpan.FromMilliseconds(20), snapshot.Latency);
        Assert.Equal(
            [new ForwardingRow("abc", "http://abc.localhost:8080", "http://localhost:3000"), new ForwardingRow("abc", "https://abc.localhost:8443", "http://localhost:3000")],
            snapshot.Forwarding);
    }

    [Fact]
    public void Apply_ConnectionLostAndRetries_ReconnectingWithAttemptAndNoLatency()
    {
        _state.Apply(AgentEvents.SessionStarted());
        _state.Apply(AgentEvents.ConnectionLost());
        Assert.Equal(SessionStatus.Reconnecting, _state.Snapshot(null).Status);

        _state.Apply(AgentEvents.Reconnecting(1));
        _state.Apply(AgentEvents.Connecting(1));
        _state.Apply(AgentEvents.Reconnecting(2));
        var snapshot = _state.Snapshot(TimeSpan.FromMilliseconds(20));

        Assert.Equal(SessionStatus.Reconnecting, snapshot.Status);
        Assert.Equal(2, snapshot.Attempt);
        Assert.Null(snapshot.Latency);
        Assert.True(snapshot.MessageIsWarning);
        Assert.Contains("connection lost", snapshot.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_Resumed_OnlineAgain()
    {
        _state.Apply(AgentEvents.SessionStarted());
        _state.Apply(AgentEvents.ConnectionLost());
        _state.Apply(AgentEvents.SessionStarted(resumed: true));

        var snapshot = _state.Snapshot(null);
        Assert.Equal(SessionStatus.Online, snapshot.Status);
        Assert.Equal(0, snapshot.Attempt);
        Assert.False(snapshot.MessageIsWarning);
    }

    [Fact]
    public void Apply_ManyRequests_KeepsNewestTwentyNewestFirst()
    {
        for (var i = 0; i < 25; i++)
        {
            var request = AgentEvents.Request();
            _state.Apply(request with { Exchange = request.Exchange with { Target = $"/r{i}" } });
        }

        var requests = _state.Snapshot(null).Requests;

        Assert.Equal(TuiState.MaxRequests, requests.Count);
        Assert.Equal("/r24", requests[0].Path);
        Assert.Equal("/r5", requests[^1].Path);
    }

    [Fact]
    public void Apply_TunnelStopped_RemovesForwardingAndWarns()
    {
        _state.Apply(AgentEvents.SessionStarted());
        _state.Apply(AgentEvents.TunnelStarted());
        _state.Apply(AgentEvents.TunnelStopped());

        var snapshot = _state.Snapshot(null);
        Assert.Empty(snapshot.Forwarding);
        Assert.True(snapshot.MessageIsWarning);
        Assert.Contains("Stopped by an operator.", snapshot.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetOffline_Online_Offline()
    {
        _state.Apply(AgentEvents.SessionStarted());

        _state.SetOffline();

        Assert.Equal(SessionStatus.Offline, _state.Snapshot(null).Status);
    }
}
