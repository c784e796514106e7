namespace Fdt.Data.Model;

/// <summary>A person who signs in.</summary>
public sealed class User
{
    public Guid Id { get; set; }

    /// <summary>Lowercase, unique.</summary>
    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>ASP.NET Core Identity's PasswordHasher format.</summary>
    public required string PasswordHash { get; set; }

    /// <summary>Operators run the installation (admin panel, all tenants).</summary>
    public bool IsOperator { get; set; }

    public bool IsDisabled { get; set; }

    /// <summary>Changes when sessions must end (password change, reset sessions); access tokens carry it.</summary>
    public required string SecurityStamp { get; set; }

    public int FailedLogins { get; set; }

    public DateTime? LockedUntil { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<Membership> Memberships { get; set; } = [];
}
