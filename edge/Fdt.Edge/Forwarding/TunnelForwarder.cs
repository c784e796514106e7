using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Fdt.Edge.Errors;
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

    public TunnelForwarder(TunnelRegistry tunnels, IOptions<EdgeOptions> options, ILogger<TunnelForwarder> logger)
    {
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
    public async Task<bool?> ForwardAsync(HttpContext context, TunnelBinding binding, TunnelPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(binding);
        policy ??= TunnelPolicy.None;
        binding.CountRequest();
        var aborted = context.RequestAborted;
        var upgradeFeature = context.Features.Get<IHttpUpgradeFeature>();
        var isUpgrade = upgradeFeature is { IsUpgradableRequest: true };

        // The policy's request timeout runs from now to the response headers, body upload included.
        using var deadline = policy.RequestTimeout is { } requestTimeout ? new CancellationTokenSource(requestTimeout) : null;
        using var timeout = deadline is null ? CancellationTokenSource.CreateLinkedTokenSource(aborted) : CancellationTokenSource.CreateLinkedTokenSource(aborted, deadline.Token);
        var (message, content) = CreateRequest(context, binding, policy, isUpgrade, timeout);
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
            if (isUpgrade && response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                await UpgradeAsync(context, upgradeFeature!, response, binding);
                return true;
            }

            var visitor = context.Response;
            visitor.StatusCode = (int)response.StatusCode;
            CopyResponseHeaders(response.Headers, visitor.Headers, upgrade: false);
            CopyResponseHeaders(response.Content.Headers, visitor.Headers, upgrade: false);
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
            var (result, error) = await ResponseBodyCopier.CopyAsync(upstream, visitor.BodyWriter, copied, aborted);
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

    private (HttpRequestMessage Message, RequestBodyContent? Content) CreateRequest(HttpContext context, TunnelBinding binding, TunnelPolicy policy, bool isUpgrade, CancellationTokenSource timeout)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        var message = new HttpRequestMessage(HttpMethod.Parse(request.Method), new Uri(binding.UpstreamBase + target, in RawUri))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        RequestBodyContent? content = null;
        var bodyDetection = context.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (!isUpgrade && (bodyDetection?.CanHaveBody ?? request.ContentLength > 0))
        {
            content = new RequestBodyContent(request.BodyReader, request.ContentLength, timeout, _options.UpstreamResponseTimeout, context.RequestAborted);
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

        if (isUpgrade)
        {
            headers.TryAddWithoutValidation(HeaderNames.Connection, "Upgrade");
            headers.TryAddWithoutValidation(HeaderNames.Upgrade, (IEnumerable<string>)request.Headers.Upgrade);
        }

        headers.Host = (policy.HostHeader is null ? binding.UpstreamHost : binding.HostFor(policy)) ?? request.Host.Value;
        AddForwardedHeaders(context, headers);
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

    private async Task UpgradeAsync(HttpContext context, IHttpUpgradeFeature upgradeFeature, HttpResponseMessage response, TunnelBinding binding)
    {
        CopyResponseHeaders(response.Headers, context.Response.Headers, upgrade: true);
        CopyResponseHeaders(response.Content.Headers, context.Response.Headers, upgrade: true);
        Stream upstream;
        Stream visitor;
        try
        {
            upstream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            visitor = await upgradeFeature.UpgradeAsync();
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
            var toUpstream = StreamCopier.CopyAsync(visitor, upstream, done.Token).AsTask();
            var toVisitor = StreamCopier.CopyAsync(upstream, visitor, done.Token).AsTask();

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
