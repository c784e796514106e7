using System.Text.Json;
using Fdt.Data.Audit;
using Microsoft.AspNetCore.Http;

namespace Fdt.Api.Security;

/// <summary>Audit records of changes made through the API by the signed-in caller.</summary>
internal static class CallerAudit
{
    /// <summary>
    /// A record with the caller as actor (an operator or a user; <paramref name="actorUserId"/>
    /// when the request is anonymous, as in sign-in), the client's address, and
    /// <paramref name="details"/> serialized as JSON.
    /// </summary>
    public static AuditRecord Record(HttpContext context, string action, Guid? teamId = null, string? targetType = null, string? targetId = null, object? details = null, Guid? actorUserId = null) => new()
    {
        ActorKind = context.User.IsOperator() ? "operator" : "user",
        ActorUserId = context.User.GetUserId() ?? actorUserId,
        TeamId = teamId,
        Action = action,
        TargetType = targetType,
        TargetId = targetId,
        Details = details switch
        {
            null => null,
            string json => json,
            _ => JsonSerializer.Serialize(details),
        },
        ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
    };
}
