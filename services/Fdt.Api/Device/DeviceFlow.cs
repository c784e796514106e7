using System.Security.Cryptography;
using Fdt.Api.Authtokens;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Device;

/// <summary>The device login (RFC 8628) steps shared by the API and the /activate page.</summary>
public static class DeviceFlow
{
    // RFC 8628 section 6.1: no vowels (no words), no look-alikes.
    private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ";

    /// <summary>A user code: 8 characters as XXXX-XXXX.</summary>
    public static string NewUserCode()
    {
        var code = RandomNumberGenerator.GetString(UserCodeAlphabet, 8);
        return code[..4] + "-" + code[4..];
    }

    /// <summary>Normalises what a person typed (case, spaces, missing dash).</summary>
    public static string NormalizeUserCode(string? typed)
    {
        var letters = new string((typed ?? string.Empty).Where(char.IsLetter).Select(char.ToUpperInvariant).ToArray());
        return letters.Length == 8 ? letters[..4] + "-" + letters[4..] : letters;
    }

    public static Task<DeviceAuthorization?> FindPendingAsync(FdtDbContext db, string? userCode, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var code = NormalizeUserCode(userCode);
        return db.DeviceAuthorizations.Where(d => d.UserCode == code && d.Status == DeviceAuthorizationStatus.Pending && d.ExpiresAt > now)
            .OrderByDescending(d => d.CreatedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Approves (creating an authtoken for <paramref name="teamId"/>) or denies a pending device; saves with an audit event.</summary>
    public static async Task DecideAsync(FdtDbContext db, AuditLog audit, DeviceAuthorization device, User user, Guid teamId, bool approve, string? clientAddress, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(user);
        device.ApprovedByUserId = user.Id;
        device.TeamId = teamId;

        // The authtoken is minted when the device collects it (HandOverAsync), so its secret is
        // never stored, not even briefly.
        device.Status = approve ? DeviceAuthorizationStatus.Approved : DeviceAuthorizationStatus.Denied;
        await audit.SaveWithAuditAsync(
            db,
            new AuditRecord
            {
                ActorKind = user.IsOperator ? "operator" : "user",
                ActorUserId = user.Id,
                TeamId = teamId,
                Action = approve ? "device.approve" : "device.deny",
                TargetType = "device",
                TargetId = device.Id.ToString("D"),
                Details = System.Text.Json.JsonSerializer.Serialize(new { userCode = device.UserCode, client = device.ClientDescription }),
                ClientAddress = clientAddress,
            },
            cancellationToken);
    }

    /// <summary>
    /// Gives an approved device its authtoken, once: the conditional update decides between
    /// concurrent polls, and only the winner mints the token. Null when another poll won.
    /// </summary>
    public static async Task<(string Secret, Guid TeamId, string TeamName)?> HandOverAsync(FdtDbContext db, AuditLog audit, DeviceAuthorization device, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(device);
        var teamId = device.TeamId!.Value;
        var won = await db.DeviceAuthorizations
            .Where(d => d.Id == device.Id && d.Status == DeviceAuthorizationStatus.Approved)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.Status, DeviceAuthorizationStatus.Completed).SetProperty(d => d.LastPolledAt, now), cancellationToken);
        if (won != 1)
        {
            return null;
        }

        var description = $"fdt login: {device.ClientDescription}";
        var (token, secret) = AuthtokenService.Create(db, teamId, device.ApprovedByUserId, description[..Math.Min(200, description.Length)], now);
        device.AuthtokenId = token.Id;
        device.Status = DeviceAuthorizationStatus.Completed;
        var approver = await db.Users.Where(u => u.Id == device.ApprovedByUserId).Select(u => new { u.IsOperator }).SingleOrDefaultAsync(cancellationToken);
        await audit.SaveWithAuditAsync(
            db,
            new AuditRecord
            {
                ActorKind = approver?.IsOperator == true ? "operator" : "user",
                ActorUserId = device.ApprovedByUserId,
                TeamId = teamId,
                Action = "authtoken.create",
                TargetType = "authtoken",
                TargetId = token.Id.ToString("D"),
                Details = System.Text.Json.JsonSerializer.Serialize(new { prefix = token.Prefix, description = token.Description, device = device.Id }),
                ClientAddress = device.ClientAddress,
            },
            cancellationToken);
        var teamName = await db.Teams.Where(t => t.Id == teamId).Select(t => t.Name).SingleAsync(cancellationToken);
        return (secret, teamId, teamName);
    }

    /// <summary>Teams where the user may create authtokens (member or above).</summary>
    public static async Task<List<(Guid Id, string Name)>> TeamsAsync(FdtDbContext db, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);

        // Roles are stored as text: compare them after loading, not in SQL.
        var teams = await db.Memberships.Where(m => m.UserId == userId)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role })
            .ToListAsync(cancellationToken);
        return teams.Where(t => t.Role >= TeamRole.Member).OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => (t.Id, t.Name)).ToList();
    }
}
