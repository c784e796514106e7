using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using Fdt.Api.Security;
using Fdt.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>What a live topic looks at: a fresh database context, the person, the team shown.</summary>
public sealed record LiveTopicContext(FdtDbContext Db, ClaimsPrincipal User, Guid? TeamId);

/// <summary>
/// Something a page shows live. Its fingerprint is a cheap summary of the data (ids, counters,
/// newest row); when it changes, the page is told and fetches its fragment again.
/// </summary>
public interface ILiveTopic
{
    /// <summary>The topic's name in <c>/live?topics=</c> and the SSE event name (<c>sse:NAME</c> in htmx).</summary>
    string Name { get; }

    /// <summary>Only operators may follow it (the admin panel's topics).</summary>
    bool OperatorOnly { get; }

    /// <summary>The current fingerprint; null when there is nothing to show (no team).</summary>
    Task<string?> FingerprintAsync(LiveTopicContext context, CancellationToken cancellationToken);
}

/// <summary>
/// <c>GET /live?topics=a,b</c>: a server-sent event stream that emits <c>event: NAME</c> once on
/// connecting and then whenever a topic's fingerprint changes (checked every
/// <see cref="ConsoleOptions.LiveInterval"/>). Pages
/// follow it with htmx (<c>sse-connect</c>, <c>hx-trigger="sse:NAME"</c>) and re-fetch a fragment,
/// so a tunnel appears within a second of <c>fdt http</c> starting, on whichever edge it runs.
/// The stream ends when the session does (sign-out, disabled account, reset sessions).
/// </summary>
public static class LiveEvents
{
    private static readonly ConcurrentDictionary<Guid, int> OpenByUser = new();

    internal static IEndpointRouteBuilder MapLiveEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/live", StreamAsync).RequireAuthorization(ConsoleAuth.MemberPolicy).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> StreamAsync(HttpContext context, string? topics, IEnumerable<ILiveTopic> known, TeamContext teams, IDbContextFactory<FdtDbContext> factory, IOptions<ConsoleOptions> options, TimeProvider time)
    {
        var user = context.User;
        var userId = user.RequireUserId();
        var selected = new List<ILiveTopic>();
        foreach (var name in (topics ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal))
        {
            var topic = known.FirstOrDefault(t => t.Name == name);
            if (topic is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown topic", detail: $"No live topic is named '{name}'.");
            }

            if (topic.OperatorOnly && !user.IsOperator())
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: $"The topic '{name}' is for operators.");
            }

            selected.Add(topic);
        }

        if (selected.Count == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No topic", detail: "Name one or more topics: /live?topics=tunnels");
        }

        var settings = options.Value;
        if (OpenByUser.AddOrUpdate(userId, 1, (_, n) => n + 1) > settings.MaxLiveConnectionsPerUser)
        {
            Release(userId);
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many live pages", detail: $"At most {settings.MaxLiveConnectionsPerUser} live pages per person; close some tabs.");
        }

        try
        {
            var teamId = (await teams.CurrentAsync())?.Id;
            var stamp = user.FindFirstValue(FdtClaims.SecurityStamp);
            var response = context.Response;
            response.Headers.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-store";
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["X-Accel-Buffering"] = "no";
            await response.WriteAsync("retry: 3000\n\n", context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);

            var last = new Dictionary<string, string?>(StringComparer.Ordinal);
            var nextSessionCheck = time.GetTimestamp();
            var lastWrite = time.GetTimestamp();
            var events = new StringBuilder();
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await using (var db = await factory.CreateDbContextAsync(context.RequestAborted))
                {
                    if (time.GetElapsedTime(nextSessionCheck) >= TimeSpan.Zero)
                    {
                        if (!await db.Users.AnyAsync(u => u.Id == userId && !u.IsDisabled && u.SecurityStamp == stamp, context.RequestAborted))
                        {
                            await response.WriteAsync("event: session-ended\ndata: \n\n", context.RequestAborted);
                            break;
                        }

                        nextSessionCheck = time.GetTimestamp() + (long)(settings.LiveSessionCheckInterval.TotalSeconds * time.TimestampFrequency);
                    }

                    events.Clear();
                    var live = new LiveTopicContext(db, user, teamId);
                    foreach (var topic in selected)
                    {
                        var fingerprint = await topic.FingerprintAsync(live, context.RequestAborted);
                        // The first check always reports: the page was rendered before this
                        // stream connected (or reconnected), and may have missed a change between.
                        if (!last.TryGetValue(topic.Name, out var previous) || previous != fingerprint)
                        {
                            events.Append("event: ").Append(topic.Name).Append("\ndata: changed\n\n");
                        }

                        last[topic.Name] = fingerprint;
                    }
                }

                if (events.Length == 0 && time.GetElapsedTime(lastWrite) >= TimeSpan.FromSeconds(15))
                {
                    events.Append(": ping\n\n");
                }

                if (events.Length > 0)
                {
                    lastWrite = time.GetTimestamp();
                    await response.WriteAsync(events.ToString(), context.RequestAborted);
                    await response.Body.FlushAsync(context.RequestAborted);
                }

                await Task.Delay(settings.LiveInterval, time, context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The page was closed.
        }
        finally
        {
            Release(userId);
        }

        return Results.Empty;
    }

    private static void Release(Guid userId)
    {
        if (OpenByUser.AddOrUpdate(userId, 0, (_, n) => n - 1) <= 0)
        {
            OpenByUser.TryRemove(new KeyValuePair<Guid, int>(userId, 0));
        }
    }
}
