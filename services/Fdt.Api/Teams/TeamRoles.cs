using Fdt.Data.Model;

namespace Fdt.Api.Teams;

/// <summary>Team roles as the API writes them: lowercase names.</summary>
public static class TeamRoles
{
    public static string Name(TeamRole role) => role switch
    {
        TeamRole.Viewer => "viewer",
        TeamRole.Member => "member",
        TeamRole.Admin => "admin",
        TeamRole.Owner => "owner",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>Parses viewer, member, admin or owner (any case); numbers are not accepted.</summary>
    public static bool TryParse(string? value, out TeamRole role)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "viewer":
                role = TeamRole.Viewer;
                return true;
            case "member":
                role = TeamRole.Member;
                return true;
            case "admin":
                role = TeamRole.Admin;
                return true;
            case "owner":
                role = TeamRole.Owner;
                return true;
            default:
                role = default;
                return false;
        }
    }
}
