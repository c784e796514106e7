using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Auth;

/// <summary>Creates accounts and personal teams.</summary>
internal static class Accounts
{
    private const string TeamSuffix = "'s team";

    /// <summary>A new user (not yet added to a context) with a hashed password and a fresh security stamp.</summary>
    public static User NewUser(string email, string displayName, string password, bool isOperator, DateTime now)
    {
        var user = new User
        {
            Id = Guid.NewGuid(),
            Email = email,
            DisplayName = displayName,
            PasswordHash = string.Empty,
            SecurityStamp = NewSecurityStamp(),
            IsOperator = isOperator,
            CreatedAt = now,
        };
        user.PasswordHash = Passwords.Hash(user, password);
        return user;
    }

    /// <summary>Adds <paramref name="user"/> and a team "&lt;name&gt;'s team" they own to the context.</summary>
    public static Team AddWithPersonalTeam(IdentityServices services, User user)
    {
        var team = new Team { Id = Guid.NewGuid(), Name = PersonalTeamName(user.DisplayName), CreatedAt = user.CreatedAt };
        services.Db.Users.Add(user);
        services.Db.Teams.Add(team);
        services.Db.Memberships.Add(new Membership { TeamId = team.Id, UserId = user.Id, Role = TeamRole.Owner, CreatedAt = user.CreatedAt });
        return team;
    }

    /// <summary>"&lt;name&gt;'s team", shortening the name so the result fits a team name's 200 characters.</summary>
    public static string PersonalTeamName(string displayName)
    {
        var room = InputValidation.MaxNameLength - TeamSuffix.Length;
        if (displayName.Length <= room)
        {
            return displayName + TeamSuffix;
        }

        var cut = char.IsHighSurrogate(displayName[room - 1]) ? room - 1 : room;
        return displayName[..cut].TrimEnd() + TeamSuffix;
    }

    public static Task<bool> EmailExistsAsync(IdentityServices services, string email)
        => services.Db.Users.AnyAsync(u => u.Email == email, services.Aborted);

    public static string NewSecurityStamp() => Guid.NewGuid().ToString("N");
}
