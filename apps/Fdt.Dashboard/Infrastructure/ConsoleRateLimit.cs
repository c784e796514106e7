using System.Threading.RateLimiting;
using Fdt.Api;
using Microsoft.Extensions.Options;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>
/// Password forms (sign-in, setup, password change, device approval) per client address: the
/// same budget as the API's <c>credentials</c> limit (<c>Api:LoginAttemptsPerMinute</c>), counted
/// separately because page posts do not pass through the API's rate limiter.
/// </summary>
public sealed class ConsoleRateLimit(IOptions<ApiOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.LoginAttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>True when this address may try again now.</summary>
    public bool TryAcquire(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var lease = _limiter.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
