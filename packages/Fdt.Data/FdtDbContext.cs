using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Data;

/// <summary>
/// The control plane's database. The same model and migrations run on SQLite (the embedded
/// default) and PostgreSQL. Migrations are written by hand (see Migrations/) because the EF Core
/// design-time package is not available to us; a test checks them against this model.
/// </summary>
public sealed class FdtDbContext(DbContextOptions<FdtDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<Authtoken> Authtokens => Set<Authtoken>();

    public DbSet<DeviceAuthorization> DeviceAuthorizations => Set<DeviceAuthorization>();

    public DbSet<ReservedName> ReservedNames => Set<ReservedName>();

    public DbSet<EdgeNode> EdgeNodes => Set<EdgeNode>();

    public DbSet<TunnelSession> TunnelSessions => Set<TunnelSession>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<StoredCertificate> Certificates => Set<StoredCertificate>();

    public DbSet<TrafficPolicy> TrafficPolicies => Set<TrafficPolicy>();

    public DbSet<CapturedRequest> CapturedRequests => Set<CapturedRequest>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(FdtDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC: SQLite returns unspecified kinds, PostgreSQL's timestamptz insists on UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<TeamRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DeviceAuthorizationStatus>().HaveConversion<string>().HaveMaxLength(16);
    }
}
