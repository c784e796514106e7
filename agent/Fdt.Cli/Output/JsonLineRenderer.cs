using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fdt.Agent.Events;

namespace Fdt.Cli.Output;

/// <summary>
/// <c>--log json</c>: one JSON object per line on standard output, flushed per line. Every object
/// has <c>time</c> (ISO 8601, UTC), <c>level</c> (info, warn, error) and <c>event</c>; other fields
/// are snake_case. The first line is the first <c>tunnel_started</c>: <c>connecting</c> and
/// <c>session_started</c> are shown only for reconnects, and <c>inspector_started</c> follows it.
/// </summary>
internal sealed class JsonLineRenderer(TextWriter standardOutput, TimeProvider timeProvider) : QueuedRenderer
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly List<AgentEvent> _held = [];
    private bool _tunnelStarted;

    protected override void Write(AgentEvent agentEvent)
    {
        if (!_tunnelStarted)
        {
            if (agentEvent is ConnectingEvent or SessionStartedEvent)
            {
                return;
            }

            if (agentEvent is InspectorStartedEvent or InspectorUnavailableEvent)
            {
                // The inspector usually starts first; the URL stays the first line.
                _held.Add(agentEvent);
                return;
            }

            _tunnelStarted = agentEvent is TunnelStartedEvent;
            WriteEvent(agentEvent);
            if (_tunnelStarted)
            {
                foreach (var held in _held)
                {
                    WriteEvent(held);
                }

                _held.Clear();
            }

            return;
        }

        WriteEvent(agentEvent);
    }

    private void WriteEvent(AgentEvent agentEvent)
    {
        var (level, name) = agentEvent switch
        {
            TunnelStartedEvent => ("info", "tunnel_started"),
            SessionStartedEvent => ("info", "session_started"),
            ConnectingEvent => ("info", "connecting"),
            ConnectionLostEvent => ("warn", "connection_lost"),
            ReconnectingEvent => ("info", "reconnecting"),
            RequestEvent => ("info", "request"),
            RequestDeniedEvent => ("warn", "request_denied"),
            LocalServiceErrorEvent => ("warn", "local_service_error"),
            NoticeEvent e => (NoticeLevel(e.Level), "notice"),
            TunnelStoppedEvent => ("warn", "tunnel_stopped"),
            DrainingEvent => ("info", "draining"),
            InspectorStartedEvent => ("info", "inspector_started"),
            InspectorUnavailableEvent => ("warn", "inspector_unavailable"),
            _ => ("info", ToSnakeCase(agentEvent.GetType().Name.Replace("Event", string.Empty, StringComparison.Ordinal))),
        };

        using var writer = Begin(agentEvent.Time, level, name);
        switch (agentEvent)
        {
            case TunnelStartedEvent e:
                writer.WriteString("tunnel_id", e.TunnelId);
                writer.WriteString("name", e.Name);
                WriteNullableString(writer, "url", e.Urls.Count > 0 ? e.Urls[0] : null);
                writer.WriteStartArray("urls");
                foreach (var url in e.Urls)
                {
                    writer.WriteStringValue(url);
                }

                writer.WriteEndArray();
                writer.WriteString("local", e.LocalAddress);
                writer.WriteBoolean("name_changed", e.NameChanged);
                break;
            case SessionStartedEvent e:
                writer.WriteString("session_id", e.SessionId);
                WriteNullableString(writer, "account", e.Account);
                WriteNullableString(writer, "edge_id", e.EdgeId);
                writer.WriteBoolean("resumed", e.Resumed);
                break;
            case ConnectingEvent e:
                writer.WriteString("server", e.Server.ToString());
                writer.WriteNumber("attempt", e.Attempt);
                break;
            case ConnectionLostEvent e:
                writer.WriteString("reason", e.Reason);
                break;
            case ReconnectingEvent e:
                writer.WriteNumber("attempt", e.Attempt);
                writer.WriteNumber("delay_ms", (long)Math.Round(e.Delay.TotalMilliseconds));
                writer.WriteString("reason", e.Reason);
                break;
            case RequestEvent e:
                writer.WriteString("tunnel", e.TunnelName);
                writer.WriteString("method", e.Exchange.Method);
                writer.WriteString("path", e.Exchange.Target);
                writer.WriteNumber("status", e.Exchange.Status);
                writer.WriteString("reason", e.Exchange.Reason);
                writer.WriteNumber("duration_ms", Math.Round(e.Exchange.Duration.TotalMilliseconds, 3));
                writer.WriteNumber("request_bytes", e.Exchange.RequestBodyBytes);
                writer.WriteNumber("response_bytes", e.Exchange.ResponseBodyBytes);
                WriteNullableString(writer, "request_id", e.Exchange.RequestId);
                if (e.Exchange.CaptureId is { } captureId)
                {
                    writer.WriteString("inspector_id", captureId);
                }

                break;
            case RequestDeniedEvent e:
                writer.WriteString("tunnel", e.TunnelName);
                WriteNullableString(writer, "method", e.Method);
                WriteNullableString(writer, "path", e.Path);
                writer.WriteNumber("status", e.Status);
                writer.WriteString("code", e.Code);
                writer.WriteString("rule", e.Rule);
                WriteNullableString(writer, "reason", e.Reason);
                WriteNullableString(writer, "remote_addr", e.RemoteAddress);
                writer.WriteNumber("suppressed", e.Suppressed);
                break;
            case LocalServiceErrorEvent e:
                writer.WriteString("tunnel", e.TunnelName);
                writer.WriteString("target", e.Target);
                writer.WriteString("reason", e.Reason);
                break;
            case NoticeEvent e:
                writer.WriteString("notice_level", e.Level);
                WriteNullableString(writer, "code", e.Code);
                writer.WriteString("message", e.Message);
                break;
            case TunnelStoppedEvent e:
                writer.WriteString("tunnel", e.TunnelName);
                WriteNullableString(writer, "code", e.Code);
                writer.WriteString("message", e.Message);
                break;
            case DrainingEvent e:
                WriteNullableString(writer, "reason", e.Reason);
                break;
            case InspectorStartedEvent e:
                writer.WriteString("url", e.Url.ToString().TrimEnd('/'));
                break;
            case InspectorUnavailableEvent e:
                writer.WriteString("reason", e.Reason);
                break;
            default:
                break;
        }

        End(writer);
    }

    protected override void WriteEnd(CliError? error)
    {
        if (error is null)
        {
            using var stopped = Begin(timeProvider.GetUtcNow(), "info", "stopped");
            End(stopped);
            return;
        }

        using var writer = Begin(timeProvider.GetUtcNow(), "error", "error");
        WriteNullableString(writer, "code", error.Code);
        writer.WriteNumber("exit_code", error.ExitCode);
        writer.WriteString("message", error.Message);
        WriteNullableString(writer, "hint", error.Hint);
        End(writer);
    }

    internal static string NoticeLevel(string? level) => level?.ToLowerInvariant() switch
    {
        "warn" or "warning" => "warn",
        "error" or "fatal" => "error",
        _ => "info",
    };

    /// <summary>Starts a line: the object and its common fields.</summary>
    private Utf8JsonWriter Begin(DateTimeOffset time, string level, string name)
    {
        _buffer.ResetWrittenCount();
        var writer = new Utf8JsonWriter(_buffer, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("level", level);
        writer.WriteString("event", name);
        return writer;
    }

    /// <summary>Ends the line and writes it out at once.</summary>
    private void End(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.Flush();
        standardOutput.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan) + "\n");
        standardOutput.Flush();
    }

    private static void WriteNullableString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
