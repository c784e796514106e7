using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Forwarding;

/// <summary>
/// Request ids that travel edge → agent → local service: <c>X-Request-Id</c> and a W3C
/// <c>traceparent</c>. A visitor's valid <c>traceparent</c> keeps its trace id (the edge becomes a
/// new parent span); otherwise a trace starts at the edge. The request id is the trace id, or the
/// visitor's own <c>X-Request-Id</c> when the edge trusts the proxy in front of it.
/// </summary>
internal static class RequestIds
{
    public const string RequestIdHeader = "X-Request-Id";
    public const string TraceParentHeader = "traceparent";

    /// <summary>
    /// Picks the request id and the traceparent to send on; the id becomes the request's
    /// TraceIdentifier. With a tracing span, the traceparent is the span's own ids.
    /// </summary>
    public static (string RequestId, string TraceParent) Assign(HttpRequest request, bool trustForwarded, System.Diagnostics.Activity? span = null)
    {
        string traceId;
        string traceParent;
        if (span is not null)
        {
            traceId = span.TraceId.ToHexString();
            traceParent = $"00-{traceId}-{span.SpanId.ToHexString()}-{(span.Recorded ? "01" : "00")}";
        }
        else
        {
            var incoming = request.Headers[TraceParentHeader];
            var flags = "01";
            if (incoming.Count == 1 && incoming[0] is { Length: 55 } parent && IsTraceParent(parent))
            {
                traceId = parent.Substring(3, 32);
                flags = parent.Substring(53, 2);
            }
            else
            {
                // Trace and span ids need to be unique, not secret: the runtime's generator for them
                // is a per-thread PRNG, where Guid.NewGuid and RandomNumberGenerator each cost a
                // getrandom system call per request (seen in edge profiles).
                traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
            }

            traceParent = $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-{flags}";
        }

        var requestId = traceId;
        if (trustForwarded && request.Headers[RequestIdHeader] is { Count: 1 } given && IsRequestId(given[0]))
        {
            requestId = given[0]!;
        }

        return (requestId, traceParent);
    }

    /// <summary>"00-" 32 hex "-" 16 hex "-" 2 hex, trace and parent ids not all zero (W3C Trace Context).</summary>
    internal static bool IsTraceParent(string value)
        => value.Length == 55 && value.StartsWith("00-", StringComparison.Ordinal) && value[35] == '-' && value[52] == '-'
            && IsLowerHex(value.AsSpan(3, 32)) && IsLowerHex(value.AsSpan(36, 16)) && IsLowerHex(value.AsSpan(53, 2))
            && value.AsSpan(3, 32).ContainsAnyExcept('0') && value.AsSpan(36, 16).ContainsAnyExcept('0');

    /// <summary>1 to 128 of letters, digits and - _ . : (what proxies put in X-Request-Id).</summary>
    internal static bool IsRequestId(string? value)
        => value is { Length: > 0 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    private static bool IsLowerHex(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
