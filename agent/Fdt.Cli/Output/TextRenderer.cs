using Fdt.Agent.Events;

namespace Fdt.Cli.Output;

/// <summary>
/// <c>--log text</c>: one line per event on standard output, e.g.
/// <c>12:00:03 GET /api 200 OK 3.1 ms</c>; a fatal error goes to standard error.
/// A lost connection and the reconnect that follows it share one line.
/// </summary>
internal sealed class TextRenderer(TextWriter standardOutput, TextWriter standardError, TimeZoneInfo zone, TimeProvider timeProvider) : QueuedRenderer
{
    private ConnectionLostEvent? _pendingLost;

    /// <summary>The line for an event, without the time; null for events shown together with the next one.</summary>
    internal static string Describe(AgentEvent agentEvent) => agentEvent switch
    {
        ConnectingEvent e => e.Attempt == 0 ? $"connecting to {e.Server}" : $"connecting to {e.Server} (attempt {e.Attempt})",
        SessionStartedEvent e => (e.Resumed ? "session resumed" : "session started") + (e.Account is null ? string.Empty : $" (account {e.Account})"),
        TunnelStartedEvent e => $"tunnel started: {(e.Urls.Count == 0 ? e.Name : string.Join(", ", e.Urls))} -> {e.LocalAddress}"
            + (e.NameChanged ? $" (new name {e.Name}: the previous one was taken)" : string.Empty),
        RequestEvent e => $"{e.Exchange.Method} {e.Exchange.Target} {EventText.Status(e.Exchange.Status, e.Exchange.Reason)} {EventText.Milliseconds(e.Exchange.Duration)}",
        RequestDeniedEvent e => $"{e.Method ?? "CONNECT"} {e.Path ?? e.TunnelName} {(e.Status == 0 ? "refused" : e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} denied by {EventText.Rule(e.Rule, e.Reason)} ({e.Code}){(e.RemoteAddress is null ? string.Empty : " from " + e.RemoteAddress)}"
            + (e.Suppressed > 0 ? $" (+{e.Suppressed} more not shown)" : string.Empty),
        ConnectionLostEvent e => $"connection lost: {e.Reason}",
        ReconnectingEvent e => $"could not connect: {e.Reason}; retrying in {EventText.Seconds(e.Delay)} (attempt {e.Attempt})",
        LocalServiceErrorEvent e => $"{e.TunnelName}: cannot reach the local service at {e.Target}: {e.Reason}",
        NoticeEvent e => $"notice ({e.Level}{(e.Code is null ? string.Empty : $", {e.Code}")}): {e.Message}",
        TunnelStoppedEvent e => $"tunnel {e.TunnelName} stopped by the server: {e.Message}{(e.Code is null ? string.Empty : $" ({e.Code})")}",
        InspectorStartedEvent e => $"inspector: {e.Url.ToString().TrimEnd('/')}",
        InspectorUnavailableEvent e => $"inspector not started: {e.Reason}",
        DrainingEvent e => $"the server is restarting{(string.IsNullOrEmpty(e.Reason) ? string.Empty : $" ({e.Reason})")}; fdt will reconnect",
        _ => agentEvent.GetType().Name,
    };

    protected override void Write(AgentEvent agentEvent)
    {
        if (_pendingLost is { } lost)
        {
            _pendingLost = null;
            if (agentEvent is ReconnectingEvent reconnecting)
            {
                WriteLine(lost.Time, $"connection lost: {lost.Reason}; reconnecting in {EventText.Seconds(reconnecting.Delay)} (attempt {reconnecting.Attempt})");
                return;
            }

            WriteLine(lost.Time, Describe(lost));
        }

        if (agentEvent is ConnectionLostEvent connectionLost)
        {
            // The agent announces the reconnect right after; wait for it to print one line.
            _pendingLost = connectionLost;
            return;
        }

        WriteLine(agentEvent.Time, Describe(agentEvent));
    }

    protected override void WriteEnd(CliError? error)
    {
        if (_pendingLost is { } lost)
        {
            _pendingLost = null;
            WriteLine(lost.Time, Describe(lost));
        }

        if (error is null)
        {
            WriteLine(timeProvider.GetUtcNow(), "stopped");
        }
        else
        {
            standardOutput.Flush();
            ErrorOutput.Write(standardError, error);
        }
    }

    private void WriteLine(DateTimeOffset time, string text)
    {
        standardOutput.WriteLine($"{EventText.Clock(time, zone)} {EventText.Printable(text)}");
        standardOutput.Flush();
    }
}
