using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Fdt.Agent.Events;
using Fdt.Agent.Forwarding;
using Fdt.Agent.Http;

namespace Fdt.Agent.Inspection.Replay;

/// <summary>
/// Sends a captured request again, straight to the local service that answered it (not through
/// the edge), optionally changed, and captures the new exchange linked to the original through
/// <see cref="CapturedExchange.ReplayOf"/>. The request goes through the same observer as tunnel
/// traffic, so a replay is captured exactly like a visitor's request.
/// </summary>
internal sealed class ExchangeReplayer
{
    // Framing and connection headers: the replay sets its own.
    private static readonly HashSet<string> DroppedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Expect",
    };

    private readonly CaptureStore _store;
    private readonly TimeSpan _connectTimeout;
    private readonly Action<AgentEvent>? _onEvent;

    public ExchangeReplayer(CaptureStore store, TimeSpan connectTimeout, Action<AgentEvent>? onEvent = null)
    {
        _store = store;
        _connectTimeout = connectTimeout;
        _onEvent = onEvent;
    }

    /// <summary>Replays <paramref name="original"/> and returns the new exchange once its response is complete (or the replay timeout passed).</summary>
    /// <exception cref="ReplayException">The changes are invalid, the body is not whole, or the local service did not answer.</exception>
    public async Task<CapturedExchange> ReplayAsync(CapturedExchange original, ReplayRequest? changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(original);
        var request = BuildRequest(original, changes ?? new ReplayRequest());
        Socket? socket = null;
        Stream local;
        try
        {
            (socket, local) = await LocalConnector.ConnectAsync(original.LocalTarget, _connectTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket?.Dispose();
            var reason = ex is OperationCanceledException ? $"no answer within {_connectTimeout.TotalSeconds:0.#} s" : LocalConnector.Describe(ex);
            throw new ReplayException(502, $"Cannot reach the local service at {original.LocalTarget}: {reason}");
        }

        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var time = _store.Time;
        var onEvent = _onEvent;
        var observer = new HttpExchangeObserver(
            time,
            exchange =>
            {
                onEvent?.Invoke(new RequestEvent(time.GetUtcNow(), original.TunnelName, exchange));
                completed.TrySetResult();
            },
            new CaptureContext(_store, original.TunnelName, original.TunnelUrl, original.LocalTarget, ReplayOf: original.Id));
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        CapturedExchange? replay = null;
        try
        {
            await using (local)
            {
                observer.Requests.Feed(request);
                replay = observer.LastRequestCapture;
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(_store.Options.ReplayTimeout);
                try
                {
                    await local.WriteAsync(request, limit.Token);
                    while (!completed.Task.IsCompleted)
                    {
                        var read = await local.ReadAsync(buffer, limit.Token);
                        if (read == 0)
                        {
                            observer.Responses.OnEnd();
                            break;
                        }

                        observer.Responses.Feed(buffer.AsSpan(0, read));
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // Timed out or cut off: what arrived is kept, the exchange is marked incomplete below.
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            observer.OnConnectionClosed();
        }

        if (replay is null)
        {
            throw new ReplayException(500, "The replayed request could not be captured.");
        }

        if (replay.Response is null)
        {
            throw new ReplayException(504, $"The local service at {original.LocalTarget} did not answer within {_store.Options.ReplayTimeout.TotalSeconds:0.#} s.");
        }

        return replay;
    }

    /// <summary>The bytes of the request to send: the original's head and body with the changes applied.</summary>
    internal static byte[] BuildRequest(CapturedExchange original, ReplayRequest changes)
    {
        var method = changes.Method ?? original.Method;
        if (method.Length == 0 || !IsToken(method))
        {
            throw new ReplayException(400, $"'{method}' is not an HTTP method.");
        }

        var target = changes.Path ?? original.Target;
        if (target.Length == 0 || (target[0] != '/' && target != "*") || target.Any(c => c <= ' ' || c == '\u007f'))
        {
            throw new ReplayException(400, "The path must start with / and contain no spaces or control characters (encode them, e.g. %20).");
        }

        byte[] body;
        if (changes.Body is not null && changes.BodyBase64 is not null)
        {
            throw new ReplayException(400, "Give body or bodyBase64, not both.");
        }
        else if (changes.Body is not null)
        {
            body = Encoding.UTF8.GetBytes(changes.Body);
        }
        else if (changes.BodyBase64 is not null)
        {
            try
            {
                body = Convert.FromBase64String(changes.BodyBase64);
            }
            catch (FormatException)
            {
                throw new ReplayException(400, "bodyBase64 is not valid base64.");
            }
        }
        else if (original.RequestBody.IsTruncated)
        {
            throw new ReplayException(409, $"The original request body was not captured whole ({original.RequestBody.CapturedSize} of {original.RequestBody.Size} bytes); give a body to replay it with.");
        }
        else
        {
            body = original.RequestBody.ToArray();
        }

        var headers = new List<HeaderField>();
        var hadBody = false;
        foreach (var header in original.Request.Headers)
        {
            if (DroppedHeaders.Contains(header.Name))
            {
                hadBody |= header.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || header.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase);
                continue;
            }

            headers.Add(header);
        }

        foreach (var name in changes.Headers?.Remove ?? [])
        {
            headers.RemoveAll(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var (name, value) in changes.Headers?.Set ?? new Dictionary<string, string>())
        {
            if (!IsToken(name) || DroppedHeaders.Contains(name))
            {
                throw new ReplayException(400, $"'{name}' cannot be set: it is not a header name, or the replay sets it itself.");
            }

            if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                throw new ReplayException(400, $"The value of {name} contains a line break.");
            }

            headers.RemoveAll(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            headers.Add(new HeaderField(name, value));
        }

        if (!headers.Exists(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            var local = original.LocalTarget;
            headers.Insert(0, new HeaderField("Host", $"{(local.Host.Contains(':', StringComparison.Ordinal) ? $"[{local.Host}]" : local.Host)}:{local.Port.ToString(CultureInfo.InvariantCulture)}"));
        }

        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        foreach (var header in headers)
        {
            head.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
        }

        if (body.Length > 0 || hadBody || changes.Body is not null || changes.BodyBase64 is not null)
        {
            head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        var headBytes = Encoding.UTF8.GetBytes(head.ToString());
        var result = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(result, 0);
        body.CopyTo(result, headBytes.Length);
        return result;
    }

    private static bool IsToken(string value)
    {
        foreach (var c in value)
        {
            if (c <= ' ' || c >= '\u007f' || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
