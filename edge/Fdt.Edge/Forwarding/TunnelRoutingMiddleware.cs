using Fdt.Edge.Errors;
using Fdt.Edge.Listeners;
using Fdt.Edge.Policy;
using Fdt.Edge.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fdt.Edge.Forwarding;

/// <summary>
/// First in the pipeline: a request whose Host is <c>NAME.BASE-DOMAIN</c> belongs to a tunnel and
/// is forwarded (or answered with an edge error page); every other request continues to the
/// server's own endpoints (agent endpoint, API, console).
/// </summary>
internal sealed class TunnelRoutingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly HostNameRouter _router;
    private readonly TunnelRegistry _tunnels;
    private readonly TunnelForwarder _forwarder;
    private readonly bool _trustForwarded;
    private readonly long _webhookMaxBody;
    private readonly TimeProvider _time;

    public TunnelRoutingMiddleware(RequestDelegate next, HostNameRouter router, TunnelRegistry tunnels, TunnelForwarder forwarder, Microsoft.Extensions.Options.IOptions<EdgeOptions> options, TimeProvider time)
    {
        _trustForwarded = options.Value.TrustForwardedHeaders;
        _webhookMaxBody = options.Value.WebhookMaxBodyBytes;
        _time = time;
        _next = next;
        _router = router;
        _tunnels = tunnels;
        _forwarder = forwarder;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!_router.TryGetName(context.Request.Host.Value, out var name))
        {
            return _next(context);
        }

        var binding = _tunnels.FindByName(name);
        if (binding is not null && binding.Protocol != Fdt.Protocol.Control.TunnelProtocol.Http)
        {
            // TCP tunnels are reached on their own port, never by host name.
            return ErrorPageWriter.WriteAsync(context, EdgeError.TunnelNotFound);
        }

        if (binding is null)
        {
            // A leased name belongs to an agent that lost its connection and is expected back.
            return ErrorPageWriter.WriteAsync(context, _tunnels.IsLeased(name) ? EdgeError.AgentOffline : EdgeError.TunnelNotFound);
        }

        if (context.Features.Get<ITlsConnectionFeature>() is H2cPriorKnowledgeMiddleware.IH2cFeature)
        {
            // h2c borrows the TLS features to select HTTP/2; the visitor's scheme is plain http.
            context.Request.Scheme = "http";
        }

        var secure = context.Request.IsHttps;
        if (!secure && binding.RedirectToHttps)
        {
            // 308 keeps the method and body, unlike 301/302.
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = $"{binding.HttpsUrl}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
            return Task.CompletedTask;
        }

        if (secure ? !binding.ServesHttps : !binding.ServesHttp)
        {
            return ErrorPageWriter.WriteAsync(context, EdgeError.TunnelNotFound);
        }

        // The request id (and trace) the edge's error pages, the agent and the local service share.
        var activity = EdgeTracing.Start(context.Request, binding.Name);
        var (requestId, traceParent) = RequestIds.Assign(context.Request, _trustForwarded, activity);
        context.TraceIdentifier = requestId;
        context.Request.Headers[RequestIds.TraceParentHeader] = traceParent;
        var handled = HandleAsync(context, binding);
        return activity is null ? handled : EdgeTracing.CompleteAsync(handled, activity, context);
    }

    private Task HandleAsync(HttpContext context, TunnelBinding binding)
    {
        // Traffic policy, before any byte reaches the agent.
        var policy = binding.Policy;
        if (policy.IsEmpty)
        {
            // No server-wide body limit for tunnel traffic: the tunnel's policy sets it (or none).
            SetBodyLimit(context, null);
            return ForwardAsync(context, binding, policy);
        }

        return EnforceAsync(context, binding, policy);
    }

    private async Task EnforceAsync(HttpContext context, TunnelBinding binding, TunnelPolicy policy)
    {
        var visitor = VisitorAddress(context);
        if (policy.CheckAddress(visitor) is { } denied)
        {
            await PolicyDenials.DenyAsync(context, binding, EdgeError.AddressDenied, "ip", denied, visitor);
            return;
        }

        var authorization = context.Request.Headers.Authorization;
        if (!policy.Authenticates(authorization))
        {
            var challenge = $"Basic realm=\"{binding.Name}\", charset=\"UTF-8\"";
            await PolicyDenials.DenyAsync(context, binding, EdgeError.AuthenticationRequired, "basic-auth", authorization.Count == 0 ? "missing" : "invalid", visitor, challenge: challenge);
            return;
        }

        var traffic = binding.Traffic;
        if (policy.RateLimits.Count > 0 && !traffic.TryAcquireRate(policy.RateLimits, visitor, out var scope, out var retryAfter))
        {
            await PolicyDenials.DenyAsync(context, binding, EdgeError.RateLimited, "rate-limit", scope!, visitor, retryAfter);
            return;
        }

        if (policy.MaxRequestBodyBytes is { } max && context.Request.ContentLength > max)
        {
            await PolicyDenials.DenyAsync(context, binding, EdgeError.BodyTooLarge, "body-size", "declared", visitor);
            return;
        }

        SetBodyLimit(context, policy.MaxRequestBodyBytes);
        if (policy.MaxConcurrentRequests is { } concurrent && !traffic.TryEnterRequest(concurrent))
        {
            await PolicyDenials.DenyAsync(context, binding, EdgeError.TooManyConcurrentRequests, "concurrency", "limit", visitor, TimeSpan.FromSeconds(1));
            return;
        }

        try
        {
            if (policy.CircuitBreaker is not { } breaker)
            {
                if (policy.Webhooks.Count == 0 || await VerifyWebhooksAsync(context, binding, policy, visitor))
                {
                    await ForwardAsync(context, binding, policy);
                }

                return;
            }

            if (!traffic.TryPassBreaker(out var openFor))
            {
                await PolicyDenials.DenyAsync(context, binding, EdgeError.CircuitOpen, "circuit-breaker", "open", visitor, openFor);
                return;
            }

            bool? success = null;
            try
            {
                if (policy.Webhooks.Count == 0 || await VerifyWebhooksAsync(context, binding, policy, visitor))
                {
                    success = await ForwardAsync(context, binding, policy);
                }
            }
            finally
            {
                traffic.ReportToBreaker(breaker, success);
            }
        }
        finally
        {
            if (policy.MaxConcurrentRequests is not null)
            {
                traffic.ExitRequest();
            }
        }
    }

    private Task<bool?> ForwardAsync(HttpContext context, TunnelBinding binding, TunnelPolicy policy) => _forwarder.ForwardAsync(context, binding, policy);

    /// <summary>
    /// Reads the body (up to <see cref="EdgeOptions.WebhookMaxBodyBytes"/>) and checks it against
    /// every webhook rule; on success the body is replayed to the forwarder from memory.
    /// </summary>
    private async Task<bool> VerifyWebhooksAsync(HttpContext context, TunnelBinding binding, TunnelPolicy policy, System.Net.IPAddress? visitor)
    {
        var limit = Math.Min(_webhookMaxBody, policy.MaxRequestBodyBytes ?? long.MaxValue);
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            await PolicyDenials.DenyAsync(context, binding, EdgeError.BodyTooLarge.WithDescription($"Webhook requests to this tunnel may carry at most {limit} bytes."), "webhook", "body-too-large", visitor);
            return false;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(request.BodyReader, limit, context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            await PolicyDenials.DenyAsync(context, binding, EdgeError.BodyTooLarge.WithDescription($"Webhook requests to this tunnel may carry at most {limit} bytes."), "webhook", "body-too-large", visitor);
            return false;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The visitor went away or sent a malformed body: nothing to answer.
            context.Abort();
            return false;
        }

        var now = _time.GetUtcNow();
        foreach (var verifier in policy.Webhooks)
        {
            if (verifier.Verify(request.Headers, body, now) is { } reason)
            {
                await PolicyDenials.DenyAsync(context, binding, EdgeError.WebhookVerificationFailed, "webhook", reason, visitor);
                return false;
            }
        }

        request.Body = new MemoryStream(body, writable: false);
        return true;
    }

    private static async Task<byte[]> ReadBodyAsync(System.IO.Pipelines.PipeReader reader, long limit, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (buffer.Length + result.Buffer.Length > limit)
            {
                throw new InvalidDataException("The body is larger than the limit.");
            }

            foreach (var segment in result.Buffer)
            {
                buffer.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return buffer.ToArray();
            }
        }
    }

    private static void SetBodyLimit(HttpContext context, long? limit)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
    }

    /// <summary>The visitor's address: the connection's, or the first X-Forwarded-For entry when the edge trusts a proxy in front of it.</summary>
    private System.Net.IPAddress? VisitorAddress(HttpContext context)
    {
        if (_trustForwarded && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            return System.Net.IPAddress.TryParse(first, out var address) ? address : null;
        }

        return context.Connection.RemoteIpAddress;
    }
}
