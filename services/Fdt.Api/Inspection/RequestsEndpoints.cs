using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Inspection;

/// <summary>
/// The inspector's API: exchanges the edge captured for the caller's teams, listed with filters
/// and cursor pagination, read with decoded bodies, exported as HAR or curl, and replayed (as
/// captured or edited) through the live tunnel. Every query is limited to teams the caller is a
/// member of; another team's capture is "not found".
/// </summary>
public static class RequestsEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public sealed record RequestSummary(
        Guid Id, Guid TeamId, string TunnelName, string Method, string Target, string Host, int Status, string Kind, int Events, string? ErrorCode,
        DateTime ReceivedAt, double DurationMilliseconds, double? FirstByteMilliseconds, long RequestBodySize, long ResponseBodySize, string? ClientAddress, Guid? ReplayOfId, string? RequestId);

    public sealed record RequestPage(IReadOnlyList<RequestSummary> Items, string? NextCursor);

    public sealed record RequestDetail(
        Guid Id, Guid TeamId, string TunnelId, string TunnelName, string Method, string Scheme, string Host, string Target, int Status, string Kind, int Events, string? ErrorCode,
        DateTime ReceivedAt, double DurationMilliseconds, double? FirstByteMilliseconds, string? ClientAddress, Guid? ReplayOfId, string? RequestId,
        IReadOnlyList<string[]> RequestHeaders, IReadOnlyList<string[]> ResponseHeaders, CapturedBody RequestBody, CapturedBody ResponseBody);

    /// <summary>Edits for a replay; absent fields keep what was captured.</summary>
    public sealed record ReplayRequest(string? Method, string? Path, Dictionary<string, string>? SetHeaders, IReadOnlyList<string>? RemoveHeaders, string? Body, string? BodyBase64);

    public sealed record ReplayView(Guid Id, int Status, string? ErrorCode, Guid ReplayOfId);

    public sealed record InspectionSettings(int RetentionDays);

    public static RouteGroupBuilder MapRequestsApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var requests = v1.MapGroup("/requests").RequireAuthorization().WithTags("Inspector");
        requests.MapGet("/", ListAsync).WithName("ListRequests").WithSummary("Captured exchanges of the caller's teams, newest first.");
        requests.MapGet("/{id:guid}", GetAsync).WithName("GetRequest").WithSummary("One exchange with headers and decoded bodies.");
        requests.MapGet("/{id:guid}/har", HarAsync).WithName("ExportRequestHar").WithSummary("The exchange as a HAR 1.2 file.");
        requests.MapGet("/{id:guid}/curl", CurlAsync).WithName("ExportRequestCurl").WithSummary("A curl command that sends the request again.");
        requests.MapPost("/{id:guid}/replay", ReplayAsync).WithName("ReplayRequest").WithSummary("Sends the request through the live tunnel again, optionally edited.");

        var settings = v1.MapGroup("/teams/{teamId:guid}/inspection").RequireAuthorization().WithTags("Inspector");
        settings.MapGet("/", GetSettingsAsync).WithName("GetInspectionSettings");
        settings.MapPut("/", PutSettingsAsync).WithName("SetInspectionSettings").WithSummary("How many days the team's captures are kept (1 to 90).");
        return v1;
    }

    private static async Task<Results<Ok<RequestPage>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken,
        Guid? teamId = null, string? tunnel = null, int? status = null, string? method = null, string? path = null, string? requestId = null,
        DateTime? from = null, DateTime? to = null, string? cursor = null, int? limit = null)
    {
        var teams = await VisibleTeamsAsync(db, user, cancellationToken);
        if (teamId is { } only)
        {
            if (!teams.Contains(only))
            {
                return TypedResults.Problem(statusCode: 404, title: "Team not found");
            }

            teams = [only];
        }

        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"Between 1 and {MaxLimit}."] });
        }

        var query = db.CapturedRequests.AsNoTracking().Where(r => teams.Contains(r.TeamId));
        if (!string.IsNullOrEmpty(tunnel))
        {
            var name = tunnel.ToLowerInvariant();
            query = query.Where(r => r.TunnelName == name);
        }

        if (status is { } code)
        {
            // 4 or 5 alone mean the class (4xx, 5xx).
            query = code is >= 1 and <= 5 ? query.Where(r => r.Status >= code * 100 && r.Status < (code + 1) * 100) : query.Where(r => r.Status == code);
        }

        if (!string.IsNullOrEmpty(method))
        {
            var verb = method.ToUpperInvariant();
            query = query.Where(r => r.Method == verb);
        }

        if (!string.IsNullOrEmpty(requestId))
        {
            query = query.Where(r => r.RequestId == requestId);
        }

        if (!string.IsNullOrEmpty(path))
        {
            query = query.Where(r => r.Target.Contains(path));
        }

        if (from is { } after)
        {
            var since = after.ToUniversalTime();
            query = query.Where(r => r.ReceivedAt >= since);
        }

        if (to is { } before)
        {
            var until = before.ToUniversalTime();
            query = query.Where(r => r.ReceivedAt < until);
        }

        if (cursor is not null)
        {
            if (!TryReadCursor(cursor, out var at, out var seen))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["Not a cursor from a previous page."] });
            }

            query = query.Where(r => r.ReceivedAt < at || (r.ReceivedAt == at && !seen.Contains(r.Id)));
        }

        var rows = await query.OrderByDescending(r => r.ReceivedAt).Take(take + 1).ToListAsync(cancellationToken);
        var page = rows.Take(take).ToList();
        string? next = null;
        if (rows.Count > take)
        {
            var last = page[^1].ReceivedAt;
            next = WriteCursor(last, page.Where(r => r.ReceivedAt == last).Select(r => r.Id)
                .Concat(cursor is not null && TryReadCursor(cursor, out var previousAt, out var previous) && previousAt == last ? previous : []));
        }

        return TypedResults.Ok(new RequestPage([.. page.Select(Summary)], next));
    }

    private static async Task<Results<Ok<RequestDetail>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, FdtDbContext db, IPayloadStore store, CancellationToken cancellationToken)
    {
        var detail = await LoadAsync(id, user, db, store, TeamRole.Viewer, cancellationToken);
        return detail is null ? NotFound() : TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<System.Text.Json.Nodes.JsonObject>, ProblemHttpResult>> HarAsync(Guid id, ClaimsPrincipal user, FdtDbContext db, IPayloadStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var detail = await LoadAsync(id, user, db, store, TeamRole.Viewer, cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        context.Response.Headers.ContentDisposition = $"attachment; filename=\"fdt-{detail.Id:N}.har\"";
        return TypedResults.Ok(CaptureExport.Har(detail, typeof(RequestsEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CurlAsync(Guid id, ClaimsPrincipal user, FdtDbContext db, IPayloadStore store, CancellationToken cancellationToken)
    {
        var detail = await LoadAsync(id, user, db, store, TeamRole.Viewer, cancellationToken);
        return detail is null ? NotFound() : TypedResults.Text(CaptureExport.Curl(detail), "text/plain; charset=utf-8");
    }

    private static async Task<Results<Ok<ReplayView>, ValidationProblem, ProblemHttpResult>> ReplayAsync(
        Guid id, ReplayRequest? edits, ClaimsPrincipal user, HttpContext context, FdtDbContext db, IPayloadStore store, IReplayGateway gateway, AuditLog audit, CancellationToken cancellationToken)
    {
        var original = await LoadAsync(id, user, db, store, TeamRole.Member, cancellationToken);
        if (original is null)
        {
            // A viewer of the team may read but not replay.
            return await CanSeeAsync(id, user, db, cancellationToken)
                ? TypedResults.Problem(statusCode: 403, title: "Not allowed", detail: "Replaying needs the member role in the team.")
                : NotFound();
        }

        edits ??= new ReplayRequest(null, null, null, null, null, null);
        var errors = new Dictionary<string, string[]>();
        var method = edits.Method?.Trim().ToUpperInvariant() ?? original.Method;
        if (!Fdt.Protocol.Control.PolicyRules.IsToken(method))
        {
            errors["method"] = ["Not an HTTP method."];
        }

        var target = edits.Path ?? original.Target;
        if (!target.StartsWith('/') || target.Length > 4096 || target.Any(c => c <= ' ' || c == 0x7f))
        {
            errors["path"] = ["A path (and query) starting with '/', without spaces or control characters."];
        }

        var headers = original.RequestHeaders.Where(h => h[1] != "[redacted]").Select(h => new KeyValuePair<string, string>(h[0], h[1])).ToList();
        foreach (var name in edits.RemoveHeaders ?? [])
        {
            headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var (name, value) in edits.SetHeaders ?? [])
        {
            if (!Fdt.Protocol.Control.PolicyRules.TryParseHeader($"{name}: {value}", out _, out _))
            {
                errors["setHeaders"] = [$"'{name}' is not a header (a token name, a value without line breaks)."];
                continue;
            }

            headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
            headers.Add(new(name, value));
        }

        byte[]? body;
        try
        {
            body = edits.BodyBase64 is not null ? Convert.FromBase64String(edits.BodyBase64)
                : edits.Body is not null ? Encoding.UTF8.GetBytes(edits.Body)
                : original.RequestBody.Base64 is { } captured ? Convert.FromBase64String(captured) : null;
        }
        catch (FormatException)
        {
            errors["bodyBase64"] = ["Not base64."];
            body = null;
        }

        if (original.RequestBody.Kind == "missing" && edits.Body is null && edits.BodyBase64 is null)
        {
            errors["body"] = ["The captured body was not stored; send the body to replay with."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await gateway.ReplayAsync(new ReplayCommand(original.TeamId, original.TunnelName, method, target, original.Host, headers, body, original.Id), cancellationToken);
        if (outcome is null)
        {
            return TypedResults.Problem(statusCode: 409, title: "Tunnel not running", detail: $"The tunnel '{original.TunnelName}' is not connected to this server now; start it and replay again.");
        }

        await audit.SaveWithAuditAsync(db, CallerAudit.Record(context, "request.replay", original.TeamId, "captured-request", original.Id.ToString("D"), new { replay = outcome.CaptureId, edited = edits != new ReplayRequest(null, null, null, null, null, null) }), cancellationToken);
        return TypedResults.Ok(new ReplayView(outcome.CaptureId, outcome.Status, outcome.ErrorCode, original.Id));
    }

    private static async Task<Results<Ok<InspectionSettings>, ProblemHttpResult>> GetSettingsAsync(Guid teamId, ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Viewer, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Viewer);
        }

        return TypedResults.Ok(new InspectionSettings(await db.Teams.Where(t => t.Id == teamId).Select(t => t.InspectionRetentionDays).SingleAsync(cancellationToken)));
    }

    private static async Task<Results<Ok<InspectionSettings>, ValidationProblem, ProblemHttpResult>> PutSettingsAsync(Guid teamId, InspectionSettings settings, ClaimsPrincipal user, HttpContext context, FdtDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        var (outcome, _) = await TeamAccess.CheckAsync(db, user, teamId, TeamRole.Admin, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return (ProblemHttpResult)TeamAccess.Refusal(outcome, TeamRole.Admin);
        }

        if (settings.RetentionDays is < 1 or > 90)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["retentionDays"] = ["Between 1 and 90 days."] });
        }

        var team = await db.Teams.SingleAsync(t => t.Id == teamId, cancellationToken);
        team.InspectionRetentionDays = settings.RetentionDays;
        await audit.SaveWithAuditAsync(db, CallerAudit.Record(context, "inspection.settings", teamId, "team", teamId.ToString("D"), new { settings.RetentionDays }), cancellationToken);
        return TypedResults.Ok(settings);
    }

    /// <summary>Loads a capture the caller may see with at least <paramref name="role"/>; null otherwise.</summary>
    internal static async Task<RequestDetail?> LoadAsync(Guid id, ClaimsPrincipal user, FdtDbContext db, IPayloadStore store, TeamRole role, CancellationToken cancellationToken)
    {
        var row = await db.CapturedRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var (outcome, _) = await TeamAccess.CheckAsync(db, user, row.TeamId, role, cancellationToken);
        if (outcome != TeamAccess.Outcome.Allowed)
        {
            return null;
        }

        var requestHeaders = ReadHeaders(row.RequestHeaders);
        var responseHeaders = ReadHeaders(row.ResponseHeaders);
        var requestBody = row.RequestBodyKey is null ? null : await store.GetAsync(row.RequestBodyKey, cancellationToken);
        var responseBody = row.ResponseBodyKey is null ? null : await store.GetAsync(row.ResponseBodyKey, cancellationToken);
        return new RequestDetail(
            row.Id, row.TeamId, row.TunnelId, row.TunnelName, row.Method, row.Scheme, row.Host, row.Target, row.Status, row.Kind, row.Events, row.ErrorCode,
            row.ReceivedAt, row.DurationMilliseconds, row.FirstByteMilliseconds, row.ClientAddress, row.ReplayOfId, row.RequestId, requestHeaders, responseHeaders,
            CapturedBody.Decode(requestBody, row.RequestBodySize, row.RequestBodyTruncated, row.BodiesMissing && requestBody is null, requestHeaders),
            CapturedBody.Decode(responseBody, row.ResponseBodySize, row.ResponseBodyTruncated, row.BodiesMissing && responseBody is null, responseHeaders));
    }

    /// <summary>Headers are stored as a JSON array of [name, value] pairs.</summary>
    public static string WriteHeaders(IEnumerable<KeyValuePair<string, string>> headers)
        => JsonSerializer.Serialize(headers.Select(h => new[] { h.Key, h.Value }).ToList());

    private static List<string[]> ReadHeaders(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string[]>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static async Task<bool> CanSeeAsync(Guid id, ClaimsPrincipal user, FdtDbContext db, CancellationToken cancellationToken)
    {
        var teamId = await db.CapturedRequests.Where(r => r.Id == id).Select(r => (Guid?)r.TeamId).SingleOrDefaultAsync(cancellationToken);
        return teamId is { } team && (await TeamAccess.CheckAsync(db, user, team, TeamRole.Viewer, cancellationToken)).Outcome == TeamAccess.Outcome.Allowed;
    }

    private static async Task<List<Guid>> VisibleTeamsAsync(FdtDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var userId = user.RequireUserId();
        return await db.Memberships.Where(m => m.UserId == userId).Select(m => m.TeamId).ToListAsync(cancellationToken);
    }

    private static RequestSummary Summary(CapturedRequest r) => new(
        r.Id, r.TeamId, r.TunnelName, r.Method, r.Target, r.Host, r.Status, r.Kind, r.Events, r.ErrorCode, r.ReceivedAt, r.DurationMilliseconds, r.FirstByteMilliseconds,
        r.RequestBodySize, r.ResponseBodySize, r.ClientAddress, r.ReplayOfId, r.RequestId);

    private static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: 404, title: "Request not found");

    private static string WriteCursor(DateTime at, IEnumerable<Guid> seen)
        => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(at.Ticks.ToString(CultureInfo.InvariantCulture) + ":" + string.Join(',', seen.Distinct().Select(g => g.ToString("N")))));

    private static bool TryReadCursor(string cursor, out DateTime at, out List<Guid> seen)
    {
        (at, seen) = (default, []);
        try
        {
            var text = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTime.MaxValue.Ticks)
            {
                return false;
            }

            at = new DateTime(ticks, DateTimeKind.Utc);
            foreach (var part in text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Guid.TryParseExact(part, "N", out var id) || seen.Count >= MaxLimit * 4)
                {
                    return false;
                }

                seen.Add(id);
            }

            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
