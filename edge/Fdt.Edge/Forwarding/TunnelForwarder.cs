using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Fdt.Edge.Errors;
using Fdt.Edge.Inspection;
using Fdt.Edge.Policy;
using Fdt.Edge.Routing;
using Fdt.Protocol.Mux;
using Fdt.Protocol.Streams;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Fdt.Edge.Forwarding;

/// <summary>
/// Forwards a visitor's HTTP request through a tunnel. The outgoing side is an
/// <see cref="HttpMessageInvoker"/> over <see cref="SocketsHttpHandler"/> whose connect callback
/// opens a mux stream to the tunnel's agent, so HTTP/1.1 connections to each tunnel are pooled
/// and reused. Bodies stream in both directions and are never buffered whole; upgrades
/// (WebSocket) become a raw duplex pipe.
/// </summary>
public sealed partial class TunnelForwarder : IDisposable
{
    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly HttpMessageInvoker _invoker;
    private readonly TunnelRegistry _tunnels;
    private readonly EdgeOptions _options;
    private readonly ILogger<TunnelForwarder> _logger;

    private readonly ICaptureSink _capture;
    private readonly HashSet<string> _redacted;
    private readonly TimeProvider _time;

    public TunnelForwarder(TunnelRegistry tunnels, IOptions<EdgeOptions> options, ILogger<TunnelForwarder> logger, ICaptureSink? capture = null, TimeProvider? time = null)
    {
        _capture = capture ?? new NoCapture();
        _time = time ?? TimeProvider.System;
        _redacted = new HashSet<string>(options.Value.RedactedHeaders, StringComparer.OrdinalIgnoreCase);
        _tunnels = tunnels;
        _options = options.Value;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
            ConnectTimeout = _options.StreamOpenTimeout,
            PooledConnectionIdleTimeout = _options.PooledConnectionIdleTimeout,
            MaxResponseHeadersLength = 64,
            EnableMultipleHttp2Connections = false,
            ConnectCallback = ConnectAsync,
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public void Dispose() => _invoker.Dispose();

    /// <summary>
    /// Forwards the request in <paramref name="context"/> to <paramref name="binding"/>'s agent and
    /// relays the response, applying <paramref name="policy"/>'s request timeout and header rules.
    /// </summary>
    /// <returns>
    /// For a circuit breaker: true when the local service answered (below 500), false when it
    /// failed (5xx, unreachable, timed out, invalid), null when neither (the visitor left, bad request).
    /// </returns>
    public Task<bool?> ForwardAsync(HttpContext context, TunnelBinding binding, TunnelPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(binding);
        policy ??= TunnelPolicy.None;
        return _capture.Enabled && policy.Inspect && HasCaptureBudget(binding)
            ? ForwardCapturedAsync(context, binding, policy)
            : ForwardCoreAsync(context, binding, policy, null);
    }

    private bool HasCaptureBudget(TunnelBinding binding)
    {
        var perSecond = _capture.MaxPerSecondPerTunnel;
        if (perSecond <= 0 || binding.Traffic.TryTakeCapture(perSecond))
        {
            return true;
        }

        CaptureSkipped.Add(1);
        return false;
    }

    private static readonly System.Diagnostics.Metrics.Meter CaptureMeter = new("Fdt.Edge");
    private static readonly System.Diagnostics.Metrics.Counter<long> CaptureSkipped = CaptureMeter.CreateCounter<long>(
        "fdt.edge.capture.skipped", "{exchange}", "Exchanges not captured because their tunnel was over the inspector's per-tunnel budget.");

    /// <summary>Forwards while the inspector copies the exchange; the capture is handed off without waiting.</summary>
    private async Task<bool?> ForwardCapturedAsync(HttpContext context, TunnelBinding binding, TunnelPolicy policy)
    {
        var request = context.Request;
        var capture = new ExchangeCapture
        {
            Id = Guid.CreateVersion7(),
            TunnelId = binding.Id,
            TunnelName = binding.Name,
            OwnerId = binding.Session.Identity.OwnerId,
            Method = request.Method,
            Target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : request.Path.ToUriComponent() + request.QueryString.ToUriComponent(),
            Host = request.Host.Value ?? string.Empty,
            Scheme = request.Scheme,
            ClientAddress = context.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : context.Connection.RemoteIpAddress,
            ReceivedAt = _time.GetUtcNow(),
            RequestHeaders = Redact(request.Headers),
            RequestId = context.TraceIdentifier,
            RequestBody = new CaptureBuffer(_capture.BodyLimit),
            ResponseBody = new CaptureBuffer(_capture.BodyLimit),
        };
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await ForwardCoreAsync(context, binding, policy, capture, started);
        }
        finally
        {
            var response = context.Response;
            capture.Status = response.StatusCode;
            capture.ResponseHeaders = Redact(response.Headers);
            capture.ErrorCode = response.Headers[ErrorPageWriter.ErrorCodeHeader] is { Count: > 0 } code ? code.ToString() : null;
            capture.Duration = Stopwatch.GetElapsedTime(started);
            _capture.Submit(capture);
        }
    }

    /// <summary>
    /// Sends a captured request again to the tunnel's agent (the inspector's replay), as the
    /// tunnel's owner: the traffic policy's header rules apply, its admission rules do not. The
    /// replayed exchange is captured too, linked to <paramref name="replayOf"/>.
    /// </summary>
    /// <param name="captureId">The replay's capture id (callers that wait for it to be stored choose it).</param>
    public async Task<ReplayResult> ReplayAsync(TunnelBinding binding, ReplayRequest replay, Guid replayOf, Guid captureId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(replay);
        var policy = binding.Policy;
        var limit = Math.Max(_capture.BodyLimit, 64 * 1024);
        var capture = new ExchangeCapture
        {
            Id = captureId,
            TunnelId = binding.Id,
            TunnelName = binding.Name,
            OwnerId = binding.Session.Identity.OwnerId,
            Method = replay.Method,
            Target = replay.Target,
            Host = replay.Host,
            Scheme = "http",
            ReceivedAt = _time.GetUtcNow(),
            RequestHeaders = [.. replay.Headers.Select(h => new KeyValuePair<string, string>(h.Key, _redacted.Contains(h.Key) ? "[redacted]" : h.Value))],
            RequestBody = new CaptureBuffer(limit),
            ResponseBody = new CaptureBuffer(limit),
            ReplayOf = replayOf,
            RequestId = captureId.ToString("N"),
        };
        capture.RequestBody.Append(replay.Body ?? []);
        binding.CountRequest();
        var started = Stopwatch.GetTimestamp();
        using var message = new HttpRequestMessage(new HttpMethod(replay.Method), new Uri(binding.UpstreamBase + replay.Target, in RawUri))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (replay.Body is { Length: > 0 } || HttpMethods.IsPost(replay.Method) || HttpMethods.IsPut(replay.Method) || HttpMethods.IsPatch(replay.Method))
        {
            message.Content = new ByteArrayContent(replay.Body ?? []);
        }

        foreach (var (name, value) in replay.Headers)
        {
            if (HttpHeaderRules.IsHopByHop(name) || HttpHeaderRules.IsReplacedOnRequest(name) || name.StartsWith(':')
                || string.Equals(name, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, RequestIds.TraceParentHeader, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.Host = binding.HostFor(policy) ?? replay.Host;

        // A replay is a request of its own: a new id and a new trace.
        var traceId = captureId.ToString("N");
        message.Headers.TryAddWithoutValidation(RequestIds.RequestIdHeader, traceId);
        message.Headers.TryAddWithoutValidation(RequestIds.TraceParentHeader, $"00-{traceId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}-01");
        foreach (var name in policy.RequestHeadersRemove)
        {
            message.Headers.Remove(name);
        }

        foreach (var (name, value) in policy.RequestHeadersAdd)
        {
            message.Headers.Remove(name);
            message.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.RequestTimeout is { } t && t < _options.UpstreamResponseTimeout ? t : _options.UpstreamResponseTimeout);
        try
        {
            using var response = await _invoker.SendAsync(message, timeout.Token);
            capture.FirstByte = Stopwatch.GetElapsedTime(started);
            capture.Status = (int)response.StatusCode;
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var header in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
            {
                foreach (var value in header.Value)
                {
                    headers.Add(new(header.Key, _redacted.Contains(header.Key) ? "[redacted]" : value));
                }
            }

            capture.ResponseHeaders = headers;

            // Read what the inspector keeps (and one byte more, to know it was cut); a streaming
            // response is not followed further.
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[16 * 1024];
            int read;
            while (capture.ResponseBody.Length <= limit && (read = await body.ReadAsync(buffer, timeout.Token)) > 0)
            {
                capture.ResponseBody.Append(buffer.AsSpan(0, read));
            }
        }
        catch (Exception ex) when (capture.Status == 0 && !cancellationToken.IsCancellationRequested)
        {
            var error = Classify(ex, binding);
            (capture.Status, capture.ErrorCode) = (error.Status, error.Code);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException && capture.Status != 0)
        {
            // The body broke off after the status: what arrived is kept.
        }
        finally
        {
            capture.Duration = Stopwatch.GetElapsedTime(started);
            _capture.Submit(capture);
        }

        return new ReplayResult(capture.Id, capture.Status, capture.ErrorCode);
    }

    private List<KeyValuePair<string, string>> Redact(IHeaderDictionary headers)
    {
        var list = new List<KeyValuePair<string, string>>(headers.Count);
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                list.Add(new(name, _redacted.Contains(name) ? "[redacted]" : value ?? string.Empty));
            }
        }

        return list;
    }

    private async Task<bool?> ForwardCoreAsync(HttpContext context, TunnelBinding binding, TunnelPolicy policy, ExchangeCapture? capture, long started = 0)
    {
        binding.CountRequest();
        var aborted = context.RequestAborted;
        var upgradeFeature = context.Features.Get<IHttpUpgradeFeature>();

        // HTTP/2 WebSockets (RFC 8441: CONNECT with :protocol websocket) go to the agent as an
        // HTTP/1.1 WebSocket upgrade; the visitor gets 200 and the stream carries the frames.
        var extendedConnect = context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
            && string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase) ? connect : null;
        var isUpgrade = upgradeFeature is { IsUpgradableRequest: true } || extendedConnect is not null;

        // The policy's request timeout runs from now to the response headers, body upload included.
        using var deadline = policy.RequestTimeout is { } requestTimeout ? new CancellationTokenSource(requestTimeout) : null;
        using var timeout = deadline is null ? CancellationTokenSource.CreateLinkedTokenSource(aborted) : CancellationTokenSource.CreateLinkedTokenSource(aborted, deadline.Token);
        var (message, content) = CreateRequest(context, binding, policy, isUpgrade, timeout, capture?.RequestBody, extendedConnect is not null);
        using var disposeMessage = message;
        if (content is null)
        {
            timeout.CancelAfter(_options.UpstreamResponseTimeout);
        }

        HttpResponseMessage response;
        try
        {
            response = await _invoker.SendAsync(message, timeout.Token);
        }
        catch (Exception ex)
        {
            return await SendFailedAsync(context, binding, ex, content, deadline is { IsCancellationRequested: true });
        }

        using (response)
        {
            timeout.CancelAfter(Timeout.Infinite);
            deadline?.CancelAfter(Timeout.Infinite);
            if (capture is not null)
            {
                capture.FirstByte = Stopwatch.GetElapsedTime(started);
                if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
                {
                    capture.Kind = "sse";
                    capture.ResponseBody.CountEvents = true;
                }
            }

            if (isUpgrade && response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                if (capture is not null)
                {
                    // Upgraded connections are recorded as their handshake, WebSockets with their message counts.
                    capture.Kind = "websocket";
                    capture.Status = StatusCodes.Status101SwitchingProtocols;
                    if (extendedConnect is not null || string.Equals(context.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase))
                    {
                        capture.WebSocket = new Fdt.Protocol.WebSockets.WebSocketCounts();
                    }
                }

                if (extendedConnect is not null)
                {
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    CopyResponseHeaders(response.Headers, context.Response.Headers, upgrade: false);
                    context.Response.Headers.Remove(HeaderNames.SecWebSocketAccept);
                    await UpgradeAsync(context, () => extendedConnect.AcceptAsync().AsTask(), response, binding, capture?.WebSocket);
                }
                else
                {
                    CopyResponseHeaders(response.Headers, context.Response.Headers, upgrade: true);
                    CopyResponseHeaders(response.Content.Headers, context.Response.Headers, upgrade: true);
                    await UpgradeAsync(context, upgradeFeature!.UpgradeAsync, response, binding, capture?.WebSocket);
                }

                return true;
            }

            var visitor = context.Response;
            visitor.StatusCode = (int)response.StatusCode;
            CopyResponseHeaders(response.Headers, visitor.Headers, upgrade: false);
            CopyResponseHeaders(response.Content.Headers, visitor.Headers, upgrade: false);
            visitor.Headers[RequestIds.RequestIdHeader] = context.TraceIdentifier;
            if (policy.HasHeaderRules)
            {
                ApplyHeaderRules(visitor.Headers, policy.ResponseHeadersRemove, policy.ResponseHeadersAdd);
            }

            var succeeded = visitor.StatusCode < 500;
            Stream upstream;
            try
            {
                upstream = await response.Content.ReadAsStreamAsync(aborted);
            }
            catch (Exception ex)
            {
                Log.ResponseAborted(_logger, binding.Name, ex.Message);
                context.Abort();
                return succeeded;
            }

            var copied = new StrongBox<long>();
            var (result, error) = await ResponseBodyCopier.CopyAsync(upstream, visitor.BodyWriter, copied, aborted, capture?.ResponseBody);
            binding.CountTraffic(content?.BytesSent ?? 0, copied.Value);
            if (result == CopyResult.SourceError)
            {
                // The status line has gone out; all that is left is to cut the visitor's response.
                Log.ResponseAborted(_logger, binding.Name, error!.Message);
                context.Abort();
                return false;
            }

            if (result != CopyResult.Completed)
            {
                return succeeded;
            }

            CopyTrailers(response, context);
            return succeeded;
        }
    }

    private static void ApplyHeaderRules(IHeaderDictionary headers, IReadOnlyList<string> remove, IReadOnlyList<KeyValuePair<string, string>> add)
    {
        foreach (var name in remove)
        {
            headers.Remove(name);
        }

        // Added headers replace what the visitor or the service sent: a visitor cannot spoof them.
        foreach (var (name, value) in add)
        {
            headers[name] = value;
        }
    }

    private (HttpRequestMessage Message, RequestBodyContent? Content) CreateRequest(HttpContext context, TunnelBinding binding, TunnelPolicy policy, bool isUpgrade, CancellationTokenSource timeout, CaptureBuffer? requestCapture, bool http2WebSocket = false)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        var message = new HttpRequestMessage(http2WebSocket ? HttpMethod.Get : HttpMethod.Parse(request.Method), new Uri(binding.UpstreamBase + target, in RawUri))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        RequestBodyContent? content = null;
        var bodyDetection = context.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (!isUpgrade && (bodyDetection?.CanHaveBody ?? request.ContentLength > 0))
        {
            content = new RequestBodyContent(request.BodyReader, request.ContentLength, timeout, _options.UpstreamResponseTimeout, context.RequestAborted, requestCapture);
            message.Content = content;
        }

        var headers = message.Headers;
        var connection = request.Headers.Connection;
        foreach (var header in request.Headers)
        {
            var name = header.Key;
            if (HttpHeaderRules.IsHopByHop(name))
            {
                if (string.Equals(name, HeaderNames.TE, StringComparison.OrdinalIgnoreCase) && HttpHeaderRules.IsTeTrailers(header.Value))
                {
                    headers.TryAddWithoutValidation(HeaderNames.TE, "trailers");
                }

                continue;
            }

            if (HttpHeaderRules.IsReplacedOnRequest(name)
                || (connection.Count > 0 && HttpHeaderRules.IsNamedByConnection(connection, name))
                || name.StartsWith(':'))
            {
                continue;
            }

            // The single-value overload avoids boxing an enumerator for the common case.
            var values = header.Value;
            var added = values.Count == 1
                ? headers.TryAddWithoutValidation(name, values.ToString())
                : headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            if (!added && content is not null)
            {
                _ = values.Count == 1
                    ? content.Headers.TryAddWithoutValidation(name, values.ToString())
                    : content.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        if (http2WebSocket)
        {
            // HTTP/1.1 needs the key HTTP/2 does without (RFC 8441 section 5); the agent's service answers it.
            headers.TryAddWithoutValidation(HeaderNames.Connection, "Upgrade");
            headers.TryAddWithoutValidation(HeaderNames.Upgrade, "websocket");
            headers.TryAddWithoutValidation(HeaderNames.SecWebSocketKey, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        }
        else if (isUpgrade)
        {
            headers.TryAddWithoutValidation(HeaderNames.Connection, "Upgrade");
            headers.TryAddWithoutValidation(HeaderNames.Upgrade, (IEnumerable<string>)request.Headers.Upgrade);
        }

        headers.Host = (policy.HostHeader is null ? binding.UpstreamHost : binding.HostFor(policy)) ?? request.Host.Value;
        AddForwardedHeaders(context, headers);

        // Assigned by the routing middleware (the visitor's own value only behind a trusted proxy).
        headers.TryAddWithoutValidation(RequestIds.RequestIdHeader, context.TraceIdentifier);
        if (policy.HasHeaderRules)
        {
            foreach (var name in policy.RequestHeadersRemove)
            {
                headers.Remove(name);
                content?.Headers.Remove(name);
            }

            foreach (var (name, value) in policy.RequestHeadersAdd)
            {
                headers.Remove(name);
                content?.Headers.Remove(name);
                if (!headers.TryAddWithoutValidation(name, value))
                {
                    content?.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        return (message, content);
    }

    private void AddForwardedHeaders(HttpContext context, HttpRequestHeaders headers)
    {
        var request = context.Request;
        var remote = context.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true })
        {
            remote = remote.MapToIPv4();
        }

        var client = remote?.ToString() ?? "unknown";
        var trust = _options.TrustForwardedHeaders;
        var forwardedFor = request.Headers["X-Forwarded-For"];
        headers.TryAddWithoutValidation("X-Forwarded-For", trust && forwardedFor.Count > 0 ? $"{forwardedFor}, {client}" : client);
        var proto = request.Headers["X-Forwarded-Proto"];
        headers.TryAddWithoutValidation("X-Forwarded-Proto", trust && proto.Count > 0 ? proto.ToString() : request.Scheme);
        var host = request.Headers["X-Forwarded-Host"];
        headers.TryAddWithoutValidation("X-Forwarded-Host", trust && host.Count > 0 ? host.ToString() : request.Host.Value);
    }

    private static void CopyResponseHeaders(HttpHeaders source, IHeaderDictionary destination, bool upgrade)
    {
        foreach (var header in source.NonValidated)
        {
            var name = header.Key;
            if (HttpHeaderRules.IsHopByHop(name) && !(upgrade && string.Equals(name, HeaderNames.Upgrade, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            destination[name] = header.Value.Count == 1 ? new StringValues(header.Value.ToString()) : new StringValues([.. header.Value]);
        }
    }

    private static void CopyTrailers(HttpResponseMessage response, HttpContext context)
    {
        var trailers = response.TrailingHeaders;
        if (!trailers.NonValidated.GetEnumerator().MoveNext() || !context.Response.SupportsTrailers())
        {
            return;
        }

        foreach (var header in trailers.NonValidated)
        {
            context.Response.AppendTrailer(header.Key, header.Value.Count == 1 ? new StringValues(header.Value.ToString()) : new StringValues([.. header.Value]));
        }
    }

    private async Task UpgradeAsync(HttpContext context, Func<Task<Stream>> acceptVisitor, HttpResponseMessage response, TunnelBinding binding, Fdt.Protocol.WebSockets.WebSocketCounts? counts = null)
    {
        Stream upstream;
        Stream visitor;
        try
        {
            upstream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            visitor = await acceptVisitor();
        }
        catch (Exception ex)
        {
            Log.UpgradeFailed(_logger, binding.Name, ex.Message);
            context.Abort();
            return;
        }

        await using (upstream)
        await using (visitor)
        {
            using var done = new CancellationTokenSource();
            var toUpstream = StreamCopier.CopyAsync(visitor, upstream, done.Token, frames: counts is null ? null : new(counts, fromClient: true)).AsTask();
            var toVisitor = StreamCopier.CopyAsync(upstream, visitor, done.Token, frames: counts is null ? null : new(counts, fromClient: false)).AsTask();

            // When either side ends, the upgraded connection is over: close both.
            await Task.WhenAny(toUpstream, toVisitor);
            await done.CancelAsync();
            await Task.WhenAll(toUpstream, toVisitor);
        }
    }

    private async Task<bool?> SendFailedAsync(HttpContext context, TunnelBinding binding, Exception exception, RequestBodyContent? content, bool policyTimedOut)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            // The visitor went away; nobody is left to answer.
            return null;
        }

        if (content?.ReadError is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            // A body without Content-Length ran past the tunnel's limit while it streamed.
            await PolicyDenials.DenyAsync(context, binding, EdgeError.BodyTooLarge, "body-size", "streamed", context.Connection.RemoteIpAddress);
            return null;
        }

        if (content?.ReadError is { } readError)
        {
            await ErrorPageWriter.WriteAsync(context, EdgeError.BadRequest.WithDescription("Reading the request body failed: " + readError.Message));
            return null;
        }

        if (policyTimedOut)
        {
            Log.ForwardFailed(_logger, binding.Name, EdgeError.RequestTimeout.Code, exception.Message);
            await PolicyDenials.DenyAsync(context, binding, EdgeError.RequestTimeout, "timeout", "request", context.Connection.RemoteIpAddress);
            return false;
        }

        var error = Classify(exception, binding);
        Log.ForwardFailed(_logger, binding.Name, error.Code, exception.Message);
        await ErrorPageWriter.WriteAsync(context, error);
        return false;
    }

    internal static EdgeError Classify(Exception exception, TunnelBinding binding)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case LocalServiceUnavailableException local:
                    return EdgeError.LocalServiceUnavailable.WithDescription(
                        $"The agent could not reach the local service{(binding.LocalAddress is null ? string.Empty : " at " + binding.LocalAddress)}: {local.Message}");
                case TunnelUnavailableException:
                case MuxSessionClosedException:
                    return EdgeError.AgentUnavailable;
                case OperationCanceledException:
                case TimeoutException:
                    return EdgeError.UpstreamTimeout.WithDescription(
                        $"The local service{(binding.LocalAddress is null ? string.Empty : " at " + binding.LocalAddress)} sent no response headers within the edge's timeout.");
                case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded or HttpRequestError.ConfigurationLimitExceeded }:
                    return binding.Session.Mux.IsClosed ? EdgeError.AgentUnavailable : EdgeError.InvalidUpstreamResponse;
            }
        }

        return binding.Session.Mux.IsClosed ? EdgeError.AgentUnavailable : EdgeError.InvalidUpstreamResponse;
    }

    /// <summary>Opens a data stream to the tunnel's agent and waits for its local connection.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var binding = _tunnels.FindById(context.DnsEndPoint.Host)
            ?? throw new TunnelUnavailableException("The tunnel ended.");
        MuxStream stream;
        try
        {
            stream = await binding.Session.Mux.OpenStreamAsync(cancellationToken);
        }
        catch (MuxException ex)
        {
            throw new TunnelUnavailableException("Could not open a stream to the agent: " + ex.Message, ex);
        }

        try
        {
            await stream.WriteAsync(binding.HttpStreamHeader, cancellationToken);
            var reply = await StreamReply.ReadAsync(stream, cancellationToken);
            if (reply.Status == StreamReplyStatus.Connected)
            {
                return stream;
            }

            throw new LocalServiceUnavailableException(reply.Message ?? reply.Status.ToString())
            {
                TimedOut = reply.Status == StreamReplyStatus.LocalServiceTimeout,
            };
        }
        catch (Exception ex) when (ex is MuxException or InvalidDataException)
        {
            await stream.DisposeAsync();
            throw new TunnelUnavailableException("The agent did not answer the stream: " + ex.Message, ex);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ForwardFailed, LogLevel.Debug, "Forwarding to {Name} failed with {Code}: {Message}")]
        public static partial void ForwardFailed(ILogger logger, string name, string code, string message);

        [LoggerMessage(EventIds.ResponseAborted, LogLevel.Debug, "The response from {Name} broke off: {Message}")]
        public static partial void ResponseAborted(ILogger logger, string name, string message);

        [LoggerMessage(EventIds.UpgradeFailed, LogLevel.Debug, "Upgrading the connection to {Name} failed: {Message}")]
        public static partial void UpgradeFailed(ILogger logger, string name, string message);
    }
}
