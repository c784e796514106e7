using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Fdt.Edge.Errors;
using Fdt.Edge.Routing;
using Fdt.Protocol.Control;
using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Policy;

/// <summary>
/// Where a policy denial goes besides the visitor's error page: the <c>fdt.edge.policy.denials</c>
/// counter (by rule and reason), the tunnel's denial count, and the agent's request log.
/// </summary>
public static class PolicyDenials
{
    /// <summary>The meter the edge's instruments belong to.</summary>
    public const string MeterName = "Fdt.Edge";

    /// <summary>The counter's instrument name.</summary>
    public const string CounterName = "fdt.edge.policy.denials";

    private static readonly Meter EdgeMeter = new(MeterName);
    private static readonly Counter<long> Denials = EdgeMeter.CreateCounter<long>(CounterName, "{denial}", "Requests and connections turned away by tunnel traffic policy, by rule and reason.");

    /// <summary>Answers the visitor with <paramref name="error"/> and records the denial.</summary>
    /// <param name="retryAfter">Sent as <c>Retry-After</c> (whole seconds, at least 1).</param>
    internal static Task DenyAsync(HttpContext context, TunnelBinding binding, EdgeError error, string rule, string reason, IPAddress? visitor, TimeSpan? retryAfter = null, string? challenge = null)
    {
        var request = context.Request;
        var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? request.Path.Value;
        Record(binding, error.Status, error.Code, rule, reason, request.Method, target, visitor);
        if (retryAfter is { } wait)
        {
            context.Response.OnStarting(static state =>
            {
                var (response, seconds) = ((HttpResponse, string))state;
                response.Headers.RetryAfter = seconds;
                return Task.CompletedTask;
            }, (context.Response, Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)));
        }

        return ErrorPageWriter.WriteAsync(context, error, challenge);
    }

    /// <summary>Records a denial: the counter, the tunnel's count and a report to its agent.</summary>
    internal static void Record(TunnelBinding binding, int status, string code, string rule, string reason, string? method, string? target, IPAddress? visitor)
    {
        Denials.Add(1, new KeyValuePair<string, object?>("rule", rule), new KeyValuePair<string, object?>("reason", reason));
        binding.CountDenial();
        if (visitor is { IsIPv4MappedToIPv6: true })
        {
            visitor = visitor.MapToIPv4();
        }

        binding.Session.ReportDenial(new RequestDeniedMessage
        {
            TunnelId = binding.Id,
            Method = method,
            Path = target is { Length: > 512 } ? target[..512] : target,
            Status = status,
            Code = code,
            Rule = rule,
            Reason = reason,
            RemoteAddress = visitor?.ToString(),
        });
    }
}
