using System.Security.Claims;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fdt.Api.Device;

/// <summary>
/// Device login for <c>fdt login</c> (RFC 8628): the device gets a device code and a user code,
/// a person approves the user code at <c>/activate</c> (or through the API), and the device's
/// polling then receives an authtoken for the chosen team.
/// </summary>
public static partial class DeviceEndpoints
{
    public sealed record CodeRequest(string? ClientDescription);

    public sealed record CodeResponse(string DeviceCode, string UserCode, string VerificationUri, string VerificationUriComplete, int ExpiresIn, int Interval);

    public sealed record TokenRequest(string? DeviceCode);

    public sealed record TokenResponse(string Authtoken, Guid TeamId, string TeamName);

    /// <summary>An OAuth-style error (RFC 8628 section 3.5).</summary>
    public sealed record DeviceError(string Error, string ErrorDescription, int? Interval = null);

    public sealed record ApproveRequest(string? UserCode, Guid TeamId, bool Approve);

    public sealed record PendingDevice(string UserCode, string ClientDescription, string? ClientAddress, DateTime CreatedAt, DateTime ExpiresAt);

    public static RouteGroupBuilder MapDeviceApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/device").WithTags("Device login");
        group.MapPost("/code", CodeAsync).RequireRateLimiting(ApiServiceCollectionExtensions.CredentialsRateLimit).WithName("StartDeviceLogin");
        group.MapPost("/token", TokenAsync).WithName("PollDeviceLogin").WithSummary("Polled by the device; 400 with authorization_pending until approved.");
        group.MapGet("/{userCode}", DescribeAsync).RequireAuthorization().WithName("DescribeDeviceLogin");
        group.MapPost("/approve", ApproveAsync).RequireAuthorization().WithName("ApproveDeviceLogin");
        return v1;
    }

    internal static string BaseUrl(HttpRequest request, ApiOptions options)
        => (options.PublicUrl ?? $"{request.Scheme}://{request.Host}").TrimEnd('/');

    private static async Task<Ok<CodeResponse>> CodeAsync(CodeRequest? request, HttpContext context, FdtDbContext db, IOptions<ApiOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetStoredUtcNow();
        var description = (request?.ClientDescription ?? "fdt").Trim();
        description = new string(description.Where(c => !char.IsControl(c)).ToArray());
        if (description.Length is 0 or > 120)
        {
            description = description.Length == 0 ? "fdt" : description[..120];
        }

        var deviceCode = Secrets.NewToken("fdt_dc_");
        var device = new DeviceAuthorization
        {
            Id = Guid.NewGuid(),
            DeviceCodeHash = Secrets.Hash(deviceCode),
            UserCode = DeviceFlow.NewUserCode(),
            ClientDescription = description,
            ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
            Status = DeviceAuthorizationStatus.Pending,
            IntervalSeconds = options.Value.DevicePollIntervalSeconds,
            CreatedAt = now,
            ExpiresAt = now + options.Value.DeviceCodeLifetime,
        };
        db.DeviceAuthorizations.Add(device);
        await db.SaveChangesAsync(cancellationToken);
        var verify = BaseUrl(context.Request, options.Value) + "/activate";
        return TypedResults.Ok(new CodeResponse(deviceCode, device.UserCode, verify, $"{verify}?code={device.UserCode}", (int)options.Value.DeviceCodeLifetime.TotalSeconds, device.IntervalSeconds));
    }

    private static async Task<Results<Ok<TokenResponse>, BadRequest<DeviceError>>> TokenAsync(TokenRequest? request, FdtDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetStoredUtcNow();
        var hash = Secrets.Hash(request?.DeviceCode ?? string.Empty);
        var device = await db.DeviceAuthorizations.SingleOrDefaultAsync(d => d.DeviceCodeHash == hash, cancellationToken);
        if (device is null)
        {
            return TypedResults.BadRequest(new DeviceError("invalid_grant", "Unknown device code."));
        }

        if (device.ExpiresAt <= now || device.Status == DeviceAuthorizationStatus.Completed)
        {
            return TypedResults.BadRequest(new DeviceError("expired_token", "The device code expired or was used; run fdt login again."));
        }

        if (device.LastPolledAt is { } last && now - last < TimeSpan.FromSeconds(device.IntervalSeconds))
        {
            // Too fast: RFC 8628 asks the device to add 5 seconds to its interval from now on.
            device.IntervalSeconds += 5;
            device.LastPolledAt = now;
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.BadRequest(new DeviceError("slow_down", "Polling too fast.", device.IntervalSeconds));
        }

        device.LastPolledAt = now;
        switch (device.Status)
        {
            case DeviceAuthorizationStatus.Denied:
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.BadRequest(new DeviceError("access_denied", "The login was denied."));
            case DeviceAuthorizationStatus.Approved:
                await db.SaveChangesAsync(cancellationToken);
                return await DeviceFlow.HandOverAsync(db, audit, device, now, cancellationToken) is { } handed
                    ? TypedResults.Ok(new TokenResponse(handed.Secret, handed.TeamId, handed.TeamName))
                    : TypedResults.BadRequest(new DeviceError("expired_token", "The device code expired or was used; run fdt login again."));
            default:
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.BadRequest(new DeviceError("authorization_pending", "Waiting for approval.", device.IntervalSeconds));
        }
    }

    private static async Task<Results<Ok<PendingDevice>, ProblemHttpResult>> DescribeAsync(string userCode, FdtDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var device = await DeviceFlow.FindPendingAsync(db, userCode, time.GetStoredUtcNow(), cancellationToken);
        return device is null
            ? TypedResults.Problem(statusCode: 404, title: "No pending login with this code", detail: "The code is wrong, expired, or already used.")
            : TypedResults.Ok(new PendingDevice(device.UserCode, device.ClientDescription, device.ClientAddress, device.CreatedAt, device.ExpiresAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ApproveAsync(
        ApproveRequest request, ClaimsPrincipal principal, HttpContext context, FdtDbContext db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetStoredUtcNow();
        var device = await DeviceFlow.FindPendingAsync(db, request.UserCode, now, cancellationToken);
        if (device is null)
        {
            return TypedResults.Problem(statusCode: 404, title: "No pending login with this code", detail: "The code is wrong, expired, or already used.");
        }

        var (outcome, _) = await TeamAccess.CheckAsync(db, principal, request.TeamId, TeamRole.Member, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Member);
        }

        var user = await db.Users.SingleAsync(u => u.Id == principal.RequireUserId(), cancellationToken);
        await DeviceFlow.DecideAsync(db, audit, device, user, request.TeamId, request.Approve, context.Connection.RemoteIpAddress?.ToString(), now, cancellationToken);
        return TypedResults.NoContent();
    }
}
