using System.Net.Http.Headers;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.IntegrationTests.Infrastructure;

/// <summary>Puts users and teams straight into the database and hands out clients signed in as them.</summary>
internal static class Seed
{
    public const string Password = "correct horse battery staple";

    /// <summary>Creates a user (and, unless <paramref name="teamId"/> is given, a team they own) and returns a client with their access token.</summary>
    public static async Task<SeededUser> UserAsync(ApiFactory factory, string email, TeamRole role = TeamRole.Owner, Guid? teamId = null, bool isOperator = false)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FdtDbContext>();
        var user = new User
        {
            Id = Guid.NewGuid(),
            Email = email,
            DisplayName = email.Split('@')[0],
            PasswordHash = string.Empty,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            IsOperator = isOperator,
            CreatedAt = DateTime.UtcNow,
        };
        user.PasswordHash = new PasswordHasher<User>().HashPassword(user, Password);
        db.Users.Add(user);
        var team = teamId ?? Guid.NewGuid();
        if (teamId is null)
        {
            db.Teams.Add(new Team { Id = team, Name = $"{user.DisplayName}'s team", CreatedAt = DateTime.UtcNow });
        }

        db.Memberships.Add(new Membership { TeamId = team, UserId = user.Id, Role = role, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var (token, _) = scope.ServiceProvider.GetRequiredService<AccessTokenIssuer>().Issue(user);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new SeededUser(user, team, token, client);
    }
}

/// <summary>A seeded user, their team, and a client authenticated as them.</summary>
internal sealed record SeededUser(User User, Guid TeamId, string AccessToken, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
