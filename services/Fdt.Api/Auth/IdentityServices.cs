using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Fdt.Api.Auth;

/// <summary>
/// What the identity endpoints need, bound with <c>[AsParameters]</c> (each constructor parameter
/// must match a property of the same name and type).
/// </summary>
internal sealed class IdentityServices(HttpContext http, FdtDbContext db, AuditLog audit, AccessTokenIssuer tokens, CredentialCheck credentials, IOptions<ApiOptions> optionsAccessor, TimeProvider time)
{
    public HttpContext Http { get; } = http;

    public FdtDbContext Db { get; } = db;

    public AuditLog Audit { get; } = audit;

    public AccessTokenIssuer Tokens { get; } = tokens;

    public CredentialCheck Credentials { get; } = credentials;

    public IOptions<ApiOptions> OptionsAccessor { get; } = optionsAccessor;

    public ApiOptions Options => OptionsAccessor.Value;

    public TimeProvider Time { get; } = time;

    /// <summary>Now, in UTC, from the injected clock.</summary>
    public DateTime Now => Time.GetStoredUtcNow();

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>The public base URL: <see cref="ApiOptions.PublicUrl"/>, or the request's scheme and host.</summary>
    public string PublicBaseUrl => string.IsNullOrWhiteSpace(Options.PublicUrl)
        ? $"{Http.Request.Scheme}://{Http.Request.Host.Value}"
        : Options.PublicUrl.TrimEnd('/');

    /// <summary>An audit record for a change made by the caller (or, when anonymous, by <paramref name="actorUserId"/>).</summary>
    public AuditRecord Record(string action, Guid? actorUserId, Guid? teamId = null, string? targetType = null, string? targetId = null, string? details = null)
        => CallerAudit.Record(Http, action, teamId, targetType, targetId, details, actorUserId);
}
