using System.Text;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.IntegrationTests.Infrastructure;

/// <summary>
/// The cast of the tenant-isolation matrix: team A with its owner (the outsider), team B with its
/// owner and a viewer, and an operator who belongs to neither. Route templates name team B's
/// resources with placeholders that <see cref="ResolveAsync"/> fills, creating a fresh target for
/// each request so that one allowed write does not change what the next request sees.
/// </summary>
public sealed class TenantWorld : IAsyncLifetime
{
    public ApiFactory Factory { get; } = IdentityApi.CreateFactory();

    public Guid TeamB => Owner.TeamId;

    /// <summary>The owner of team A: the highest role, but in another team.</summary>
    internal SeededUser Outsider { get; private set; } = null!;

    internal SeededUser Owner { get; private set; } = null!;

    internal SeededUser Viewer { get; private set; } = null!;

    internal SeededUser Operator { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Outsider = await Seed.UserAsync(Factory, "outsider@example.com");
        Owner = await Seed.UserAsync(Factory, "owner@example.com");
        Viewer = await Seed.UserAsync(Factory, "viewer@example.com", TeamRole.Viewer, Owner.TeamId);
        Operator = await Seed.UserAsync(Factory, "operator@example.com", isOperator: true);
    }

    /// <summary>
    /// Replaces <c>{teamId}</c> with team B, <c>{memberId}</c> with a new member (role member) of
    /// team B, and <c>{invitationId}</c> with a new pending invitation of team B.
    /// </summary>
    public async Task<string> ResolveAsync(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var path = new StringBuilder(template).Replace("{teamId}", TeamB.ToString("D"));
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FdtDbContext>();
        var now = DateTime.UtcNow;
        if (template.Contains("{memberId}", StringComparison.Ordinal))
        {
            var member = new User
            {
                Id = Guid.NewGuid(),
                Email = $"member-{Guid.NewGuid():N}@example.com",
                DisplayName = "member",
                PasswordHash = "unused",
                SecurityStamp = Guid.NewGuid().ToString("N"),
                CreatedAt = now,
            };
            db.Users.Add(member);
            db.Memberships.Add(new Membership { TeamId = TeamB, UserId = member.Id, Role = TeamRole.Member, CreatedAt = now });
            path.Replace("{memberId}", member.Id.ToString("D"));
        }

        if (template.Contains("{invitationId}", StringComparison.Ordinal))
        {
            var invitation = new Invitation
            {
                Id = Guid.NewGuid(),
                TeamId = TeamB,
                Role = TeamRole.Viewer,
                TokenHash = Secrets.Hash(Secrets.NewToken("fdt_inv_")),
                CreatedByUserId = Owner.User.Id,
                CreatedAt = now,
                ExpiresAt = now.AddDays(1),
            };
            db.Invitations.Add(invitation);
            path.Replace("{invitationId}", invitation.Id.ToString("D"));
        }

        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return path.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var user in new[] { Outsider, Owner, Viewer, Operator })
        {
            user?.Dispose();
        }

        await Factory.DisposeAsync();
    }
}
