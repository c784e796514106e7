using System.Data.Common;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Data.IntegrationTests;

/// <summary>The hand-written migrations against the model, on SQLite and on a real PostgreSQL.</summary>
public sealed class DataModelTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrate_EmptyDatabase_CreatesEveryTableAndColumnOfTheModel(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, postgres);
        await using var db = database.CreateContext();
        var columns = await ReadColumnsAsync(db);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            Assert.True(columns.ContainsKey(table), $"table {table} is missing");
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName();
                Assert.True(columns[table].TryGetValue(column, out var nullable), $"column {table}.{column} is missing");
                Assert.True(nullable == property.IsNullable, $"column {table}.{column}: nullable {nullable}, model says {property.IsNullable}");
            }

            Assert.Equal(entity.GetProperties().Count(), columns[table].Count);
        }

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrate_Twice_IsANoOp(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, postgres);
        await using var db = database.CreateContext();
        await DatabaseMigrator.MigrateAsync(db, Ct);

        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Entities_RoundTripWithUtcTimesEnumsAndRelations(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, postgres);
        var created = new DateTime(2026, 11, 22, 10, 30, 15, 123, DateTimeKind.Utc).AddTicks(4560);
        var userId = Guid.NewGuid();
        var teamId = Guid.NewGuid();
        await using (var db = database.CreateContext())
        {
            db.Users.Add(new User { Id = userId, Email = "a@example.com", DisplayName = "A", PasswordHash = "h", SecurityStamp = "s", CreatedAt = created, LockedUntil = created.AddMinutes(5) });
            db.Teams.Add(new Team { Id = teamId, Name = "Team A", CreatedAt = created });
            db.Memberships.Add(new Membership { TeamId = teamId, UserId = userId, Role = TeamRole.Admin, CreatedAt = created });
            db.Authtokens.Add(new Authtoken { Id = Guid.NewGuid(), TeamId = teamId, Description = "laptop", Prefix = "fdt_ab12", SecretHash = "x", CreatedAt = created });
            db.ReservedNames.Add(new ReservedName { Id = Guid.NewGuid(), TeamId = teamId, Name = "myapp", CreatedAt = created });
            db.DeviceAuthorizations.Add(new DeviceAuthorization { Id = Guid.NewGuid(), DeviceCodeHash = "d", UserCode = "WDJB-MJHT", ClientDescription = "fdt on host", Status = DeviceAuthorizationStatus.Pending, IntervalSeconds = 5, CreatedAt = created, ExpiresAt = created.AddMinutes(10) });
            db.EdgeNodes.Add(new EdgeNode { Id = "edge-1", Version = "0.1.0", StartedAt = created, LastHeartbeatAt = created });
            db.TunnelSessions.Add(new TunnelSession { Id = "t1", TeamId = teamId, EdgeNodeId = "edge-1", AgentSessionId = "s1", Name = "myapp", Protocol = "http", Url = "http://myapp.localhost:8080", StartedAt = created, BytesIn = long.MaxValue });
            await db.SaveChangesAsync(Ct);
        }

        await using (var db = database.CreateContext())
        {
            var user = await db.Users.Include(u => u.Memberships).SingleAsync(u => u.Email == "a@example.com", Ct);
            Assert.Equal(DateTimeKind.Utc, user.CreatedAt.Kind);
            Assert.Equal(created.AddTicks(-(created.Ticks % 10)), user.CreatedAt);
            Assert.Equal(TeamRole.Admin, Assert.Single(user.Memberships).Role);
            Assert.Equal(DeviceAuthorizationStatus.Pending, (await db.DeviceAuthorizations.SingleAsync(Ct)).Status);
            Assert.Equal(long.MaxValue, (await db.TunnelSessions.SingleAsync(Ct)).BytesIn);

            // Time comparisons translate on both providers.
            Assert.Equal(1, await db.Users.CountAsync(u => u.LockedUntil > created, Ct));
            Assert.Single(await db.TunnelSessions.Where(t => t.EndedAt == null && t.StartedAt <= created).ToListAsync(Ct));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task UniqueIndexes_RejectDuplicates(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, postgres);
        await using var db = database.CreateContext();
        db.Users.Add(new User { Id = Guid.NewGuid(), Email = "same@example.com", DisplayName = "1", PasswordHash = "h", SecurityStamp = "s" });
        await db.SaveChangesAsync(Ct);
        db.Users.Add(new User { Id = Guid.NewGuid(), Email = "same@example.com", DisplayName = "2", PasswordHash = "h", SecurityStamp = "s" });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DeletingATeam_CascadesToItsRows(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, postgres);
        var teamId = Guid.NewGuid();
        await using (var db = database.CreateContext())
        {
            var user = new User { Id = Guid.NewGuid(), Email = "u@example.com", DisplayName = "U", PasswordHash = "h", SecurityStamp = "s" };
            db.Users.Add(user);
            db.Teams.Add(new Team { Id = teamId, Name = "T" });
            db.Memberships.Add(new Membership { TeamId = teamId, UserId = user.Id });
            db.Authtokens.Add(new Authtoken { Id = Guid.NewGuid(), TeamId = teamId, Description = "d", Prefix = "p", SecretHash = "h" });
            var reserved = new ReservedName { Id = Guid.NewGuid(), TeamId = teamId, Name = "shop" };
            db.ReservedNames.Add(reserved);
            db.TrafficPolicies.Add(new TrafficPolicy { Id = Guid.NewGuid(), TeamId = teamId, Key = TrafficPolicy.TeamKey, Document = "{}" });
            db.TrafficPolicies.Add(new TrafficPolicy { Id = Guid.NewGuid(), TeamId = teamId, ReservedNameId = reserved.Id, Key = reserved.Id.ToString("D"), Document = "{}" });
            await db.SaveChangesAsync(Ct);
        }

        await using (var db = database.CreateContext())
        {
            // A released name takes its policy along.
            db.ReservedNames.Remove(await db.ReservedNames.SingleAsync(Ct));
            await db.SaveChangesAsync(Ct);
            Assert.Equal(TrafficPolicy.TeamKey, (await db.TrafficPolicies.SingleAsync(Ct)).Key);
        }

        await using (var db = database.CreateContext())
        {
            db.Teams.Remove(await db.Teams.SingleAsync(Ct));
            await db.SaveChangesAsync(Ct);
            Assert.Equal(0, await db.Memberships.CountAsync(Ct));
            Assert.Equal(0, await db.Authtokens.CountAsync(Ct));
            Assert.Equal(0, await db.TrafficPolicies.CountAsync(Ct));
            Assert.Equal(1, await db.Users.CountAsync(Ct));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AuditLog_ChainsEventsAndDetectsTampering(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var audit = new AuditLog(TimeProvider.System);
        var teamId = Guid.NewGuid();
        await using (var db = database.CreateContext())
        {
            db.Teams.Add(new Team { Id = teamId, Name = "T" });
            var first = await audit.SaveWithAuditAsync(db, new AuditRecord { ActorKind = "user", TeamId = teamId, Action = "team.create", TargetType = "team", TargetId = teamId.ToString() }, Ct);
            Assert.Equal(AuditLog.Genesis, first.PreviousHash);
        }

        // Concurrent writers still produce one unbroken chain.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            await using var db = database.CreateContext();
            await audit.SaveWithAuditAsync(db, new AuditRecord { ActorKind = "system", Action = "test.event", Details = $"{{\"i\":{i}}}" }, Ct);
        }));

        await using (var db = database.CreateContext())
        {
            Assert.Equal(1, await db.Teams.CountAsync(Ct));
            Assert.Equal(21, await db.AuditEvents.CountAsync(Ct));
            Assert.Null(await AuditLog.VerifyAsync(db, Ct));

            var victim = await db.AuditEvents.OrderBy(e => e.Id).Skip(5).FirstAsync(Ct);
            await db.Database.ExecuteSqlAsync($"UPDATE audit_events SET \"Details\" = '{{\"i\":999}}' WHERE \"Id\" = {victim.Id}", Ct);
            Assert.Equal(victim.Id, await AuditLog.VerifyAsync(db, Ct));
        }
    }

    private static async Task<Dictionary<string, Dictionary<string, bool>>> ReadColumnsAsync(FdtDbContext db)
    {
        var result = new Dictionary<string, Dictionary<string, bool>>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        if (db.Database.IsNpgsql())
        {
            command.CommandText = "SELECT table_name, column_name, is_nullable = 'YES' FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'";
            await ReadAsync(command, result);
        }
        else
        {
            command.CommandText = "SELECT m.name, p.name, p.\"notnull\" = 0 FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__EFMigrationsHistory'";
            await ReadAsync(command, result);
        }

        return result;
    }

    private static async Task ReadAsync(DbCommand command, Dictionary<string, Dictionary<string, bool>> result)
    {
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            var table = reader.GetString(0);
            if (!result.TryGetValue(table, out var columns))
            {
                result[table] = columns = [];
            }

            columns[reader.GetString(1)] = Convert.ToBoolean(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
