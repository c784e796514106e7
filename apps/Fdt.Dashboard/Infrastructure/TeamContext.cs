using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>One of the signed-in person's teams.</summary>
public sealed record TeamChoice(Guid Id, string Name, TeamRole Role);

/// <summary>
/// The team the console shows: the one chosen with the team switcher (a cookie holding its id,
/// honoured only while the person is still a member), else their first team. Loaded once per
/// request. Every API call still checks membership itself; this only picks what to show.
/// </summary>
public sealed class TeamContext(IHttpContextAccessor accessor, FdtDbContext db)
{
    public const string CookieName = "fdt_team";

    private IReadOnlyList<TeamChoice>? _teams;
    private TeamChoice? _current;

    /// <summary>The person's teams, by name.</summary>
    public async Task<IReadOnlyList<TeamChoice>> TeamsAsync()
    {
        if (_teams is null)
        {
            var http = accessor.HttpContext ?? throw new InvalidOperationException("No request.");
            var userId = http.User.GetUserId();
            _teams = userId is null ? [] : await db.Memberships.AsNoTracking()
                .Where(m => m.UserId == userId)
                .OrderBy(m => m.Team!.Name)
                .Select(m => new TeamChoice(m.TeamId, m.Team!.Name, m.Role))
                .ToListAsync(http.RequestAborted);
        }

        return _teams;
    }

    /// <summary>The team shown, or null when the person belongs to none.</summary>
    public async Task<TeamChoice?> CurrentAsync()
    {
        if (_current is null)
        {
            var teams = await TeamsAsync();
            var chosen = accessor.HttpContext?.Request.Cookies[CookieName];
            _current = teams.FirstOrDefault(t => Guid.TryParse(chosen, out var id) && t.Id == id) ?? (teams.Count > 0 ? teams[0] : null);
        }

        return _current;
    }

    /// <summary>Remembers the chosen team for this browser.</summary>
    public static void Choose(HttpResponse response, Guid teamId)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(CookieName, teamId.ToString("D"), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
        });
    }
}
