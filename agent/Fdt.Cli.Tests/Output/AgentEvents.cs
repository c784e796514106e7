using Fdt.Agent.Events;
using Fdt.Agent.Http;

namespace Fdt.Cli.Tests.Output;

/// <summary>One event of every kind, as a connected agent would report them.</summary>
internal static class AgentEvents
{
    public static readonly DateTimeOffset Time = new(2025, 1, 2, 12, 0, 1, 250, TimeSpan.Zero);

    public static ConnectingEvent Connecting(int attempt = 0) => new(Time, new Uri("http://localhost:8080"), attempt);

    public static SessionStartedEvent SessionStarted(bool resumed = false) => new(Time, "sess-1", "dev", "edge-1", resumed);

    public static TunnelStartedEvent TunnelStarted(bool nameChanged = false)
        => new(Time, "tun-1", "abc", ["http://abc.localhost:8080", "https://abc.localhost:8443"], "http://localhost:3000", nameChanged);

    public static RequestEvent Request(string? requestId = "req-42") => new(Time, "abc", new HttpExchange
    {
        Method = "GET",
        Target = "/api?x=1",
        Status = 200,
        Reason = "OK",
        RequestId = requestId,
        Duration = TimeSpan.FromMilliseconds(3.125),
        RequestBodyBytes = 12,
        ResponseBodyBytes = 3456,
    });

    public static ConnectionLostEvent ConnectionLost() => new(Time, "the edge closed the connection");

    public static ReconnectingEvent Reconnecting(int attempt = 1) => new(Time, attempt, TimeSpan.FromMilliseconds(400), "connection refused");

    public static LocalServiceErrorEvent LocalServiceError() => new(Time, "abc", "http://localhost:3000", "connection refused");

    public static RequestDeniedEvent RequestDenied(int suppressed = 0) => new(Time, "abc", "POST", "/hooks/stripe", 403, "ERR_FDT_1106", "webhook", "stale-timestamp", "203.0.113.9", suppressed);

    public static RequestDeniedEvent ConnectionDenied() => new(Time, "tcp-20001", null, null, 0, "ERR_FDT_1102", "ip", "deny-list", "198.51.100.1", 0);

    public static NoticeEvent Notice() => new(Time, "warning", "ERR_FDT_2010", "Maintenance at 13:00.");

    public static TunnelStoppedEvent TunnelStopped() => new(Time, "abc", "ERR_FDT_2009", "Stopped by an operator.");

    public static DrainingEvent Draining() => new(Time, "deploy");
}
