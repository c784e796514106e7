using Fdt.Agent.Events;

namespace Fdt.Cli.Output.Tui;

/// <summary>The live view's model: updated from agent threads, read by the drawing loop (lock-protected).</summary>
internal sealed class TuiState(string version)
{
    /// <summary>How many requests the view keeps.</summary>
    public const int MaxRequests = 20;

    private readonly Lock _lock = new();
    private readonly List<ForwardingRow> _forwarding = [];
    private readonly Queue<RequestRow> _requests = new();
    private SessionStatus _status = SessionStatus.Connecting;
    private int _attempt;
    private string? _account;
    private string? _inspector;
    private string? _message;
    private bool _messageIsWarning;

    public void Apply(AgentEvent agentEvent)
    {
        lock (_lock)
        {
            switch (agentEvent)
            {
                case ConnectingEvent e:
                    (_status, _attempt) = e.Attempt == 0 && _status != SessionStatus.Reconnecting
                        ? (SessionStatus.Connecting, 0)
                        : (SessionStatus.Reconnecting, e.Attempt);
                    break;
                case SessionStartedEvent e:
                    _status = SessionStatus.Online;
                    _attempt = 0;
                    _account = e.Account;
                    _forwarding.Clear();
                    if (e.Resumed)
                    {
                        SetMessage("reconnected", warning: false);
                    }

                    break;
                case TunnelStartedEvent e:
                    _forwarding.RemoveAll(row => row.Tunnel == e.Name);
                    foreach (var url in e.Urls)
                    {
                        _forwarding.Add(new ForwardingRow(e.Name, url, e.LocalAddress));
                    }

                    break;
                case ConnectionLostEvent e:
                    _status = SessionStatus.Reconnecting;
                    _attempt = 0;
                    SetMessage($"connection lost: {e.Reason}", warning: true);
                    break;
                case ReconnectingEvent e:
                    _status = SessionStatus.Reconnecting;
                    _attempt = e.Attempt;
                    break;
                case RequestEvent e:
                    _requests.Enqueue(new RequestRow(e.Time, e.Exchange.Method, e.Exchange.Target, e.Exchange.Status, e.Exchange.Reason, e.Exchange.Duration));
                    while (_requests.Count > MaxRequests)
                    {
                        _requests.Dequeue();
                    }

                    break;
                case RequestDeniedEvent e:
                    _requests.Enqueue(new RequestRow(e.Time, e.Method ?? "CONNECT", e.Path ?? e.TunnelName, e.Status, "denied: " + EventText.Rule(e.Rule, e.Reason), TimeSpan.Zero));
                    while (_requests.Count > MaxRequests)
                    {
                        _requests.Dequeue();
                    }

                    break;
                case LocalServiceErrorEvent e:
                    SetMessage($"cannot reach {e.Target}: {e.Reason}", warning: true);
                    break;
                case NoticeEvent e:
                    SetMessage(e.Message, warning: JsonLineRenderer.NoticeLevel(e.Level) != "info");
                    break;
                case TunnelStoppedEvent e:
                    _forwarding.RemoveAll(row => row.Tunnel == e.TunnelName);
                    SetMessage($"tunnel {e.TunnelName} stopped by the server: {e.Message}", warning: true);
                    break;
                case InspectorStartedEvent e:
                    _inspector = e.Url.ToString().TrimEnd('/');
                    break;
                case InspectorUnavailableEvent e:
                    SetMessage($"inspector not started: {e.Reason}", warning: true);
                    break;
                case DrainingEvent:
                    SetMessage("the server is restarting; fdt will reconnect", warning: false);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>The agent has stopped.</summary>
    public void SetOffline()
    {
        lock (_lock)
        {
            _status = SessionStatus.Offline;
        }
    }

    public TuiSnapshot Snapshot(TimeSpan? latency)
    {
        lock (_lock)
        {
            return new TuiSnapshot
            {
                Status = _status,
                Attempt = _attempt,
                Account = _account,
                Version = version,
                Latency = _status == SessionStatus.Online ? latency : null,
                Inspector = _inspector,
                Forwarding = [.. _forwarding],
                Requests = [.. _requests.Reverse()],
                Message = _message,
                MessageIsWarning = _messageIsWarning,
            };
        }
    }

    private void SetMessage(string message, bool warning)
    {
        _message = message;
        _messageIsWarning = warning;
    }
}
