using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Fdt.Data.Migrations;

/// <summary>
/// The first schema. Written by hand and kept provider-neutral: column types come from the CLR
/// types (TEXT/INTEGER on SQLite; uuid, varchar(n), timestamptz, boolean, bigint on PostgreSQL),
/// and each provider ignores the other's annotations.
/// </summary>
[DbContext(typeof(FdtDbContext))]
[Migration("20261122000001_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "users",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Email = table.Column<string>(maxLength: 320, nullable: false),
                DisplayName = table.Column<string>(maxLength: 200, nullable: false),
                PasswordHash = table.Column<string>(maxLength: 512, nullable: false),
                IsOperator = table.Column<bool>(nullable: false),
                IsDisabled = table.Column<bool>(nullable: false),
                SecurityStamp = table.Column<string>(maxLength: 64, nullable: false),
                FailedLogins = table.Column<int>(nullable: false),
                LockedUntil = table.Column<DateTime>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_users", x => x.Id));
        migrationBuilder.CreateIndex("IX_users_Email", "users", "Email", unique: true);

        migrationBuilder.CreateTable(
            name: "teams",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_teams", x => x.Id));

        migrationBuilder.CreateTable(
            name: "memberships",
            columns: table => new
            {
                TeamId = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Role = table.Column<string>(maxLength: 16, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_memberships", x => new { x.TeamId, x.UserId });
                table.ForeignKey("FK_memberships_teams_TeamId", x => x.TeamId, "teams", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_memberships_users_UserId", x => x.UserId, "users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_memberships_UserId", "memberships", "UserId");

        migrationBuilder.CreateTable(
            name: "invitations",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TeamId = table.Column<Guid>(nullable: false),
                Email = table.Column<string>(maxLength: 320, nullable: true),
                Role = table.Column<string>(maxLength: 16, nullable: false),
                TokenHash = table.Column<string>(maxLength: 64, nullable: false),
                CreatedByUserId = table.Column<Guid>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                AcceptedAt = table.Column<DateTime>(nullable: true),
                AcceptedByUserId = table.Column<Guid>(nullable: true),
                RevokedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_invitations", x => x.Id);
                table.ForeignKey("FK_invitations_teams_TeamId", x => x.TeamId, "teams", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_invitations_TokenHash", "invitations", "TokenHash", unique: true);
        migrationBuilder.CreateIndex("IX_invitations_TeamId", "invitations", "TeamId");

        migrationBuilder.CreateTable(
            name: "refresh_tokens",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                FamilyId = table.Column<Guid>(nullable: false),
                TokenHash = table.Column<string>(maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                RevokedAt = table.Column<DateTime>(nullable: true),
                ReplacedById = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_refresh_tokens", x => x.Id);
                table.ForeignKey("FK_refresh_tokens_users_UserId", x => x.UserId, "users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_refresh_tokens_TokenHash", "refresh_tokens", "TokenHash", unique: true);
        migrationBuilder.CreateIndex("IX_refresh_tokens_FamilyId", "refresh_tokens", "FamilyId");
        migrationBuilder.CreateIndex("IX_refresh_tokens_UserId", "refresh_tokens", "UserId");

        migrationBuilder.CreateTable(
            name: "authtokens",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TeamId = table.Column<Guid>(nullable: false),
                CreatedByUserId = table.Column<Guid>(nullable: true),
                Description = table.Column<string>(maxLength: 200, nullable: false),
                Prefix = table.Column<string>(maxLength: 32, nullable: false),
                SecretHash = table.Column<string>(maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastUsedAt = table.Column<DateTime>(nullable: true),
                RevokedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_authtokens", x => x.Id);
                table.ForeignKey("FK_authtokens_teams_TeamId", x => x.TeamId, "teams", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_authtokens_SecretHash", "authtokens", "SecretHash", unique: true);
        migrationBuilder.CreateIndex("IX_authtokens_TeamId", "authtokens", "TeamId");

        migrationBuilder.CreateTable(
            name: "device_authorizations",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                DeviceCodeHash = table.Column<string>(maxLength: 64, nullable: false),
                UserCode = table.Column<string>(maxLength: 16, nullable: false),
                ClientDescription = table.Column<string>(maxLength: 200, nullable: false),
                ClientAddress = table.Column<string>(maxLength: 64, nullable: true),
                Status = table.Column<string>(maxLength: 16, nullable: false),
                TeamId = table.Column<Guid>(nullable: true),
                ApprovedByUserId = table.Column<Guid>(nullable: true),
                AuthtokenId = table.Column<Guid>(nullable: true),
                IntervalSeconds = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                LastPolledAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_device_authorizations", x => x.Id));
        migrationBuilder.CreateIndex("IX_device_authorizations_DeviceCodeHash", "device_authorizations", "DeviceCodeHash", unique: true);
        migrationBuilder.CreateIndex("IX_device_authorizations_UserCode", "device_authorizations", "UserCode");

        migrationBuilder.CreateTable(
            name: "reserved_names",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TeamId = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 63, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_reserved_names", x => x.Id);
                table.ForeignKey("FK_reserved_names_teams_TeamId", x => x.TeamId, "teams", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_reserved_names_Name", "reserved_names", "Name", unique: true);
        migrationBuilder.CreateIndex("IX_reserved_names_TeamId", "reserved_names", "TeamId");

        migrationBuilder.CreateTable(
            name: "edge_nodes",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 64, nullable: false),
                Version = table.Column<string>(maxLength: 32, nullable: false),
                Address = table.Column<string>(maxLength: 256, nullable: true),
                StartedAt = table.Column<DateTime>(nullable: false),
                LastHeartbeatAt = table.Column<DateTime>(nullable: false),
                StoppedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_edge_nodes", x => x.Id));

        migrationBuilder.CreateTable(
            name: "tunnel_sessions",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 64, nullable: false),
                TeamId = table.Column<Guid>(nullable: false),
                AuthtokenId = table.Column<Guid>(nullable: true),
                EdgeNodeId = table.Column<string>(maxLength: 64, nullable: false),
                AgentSessionId = table.Column<string>(maxLength: 64, nullable: false),
                Name = table.Column<string>(maxLength: 63, nullable: false),
                Protocol = table.Column<string>(maxLength: 8, nullable: false),
                Url = table.Column<string>(maxLength: 300, nullable: false),
                LocalAddress = table.Column<string>(maxLength: 300, nullable: true),
                ClientAddress = table.Column<string>(maxLength: 64, nullable: true),
                AgentVersion = table.Column<string>(maxLength: 32, nullable: true),
                StartedAt = table.Column<DateTime>(nullable: false),
                EndedAt = table.Column<DateTime>(nullable: true),
                Requests = table.Column<long>(nullable: false),
                BytesIn = table.Column<long>(nullable: false),
                BytesOut = table.Column<long>(nullable: false),
                StopRequestedAt = table.Column<DateTime>(nullable: true),
                StopRequestedByUserId = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_tunnel_sessions", x => x.Id);
                table.ForeignKey("FK_tunnel_sessions_teams_TeamId", x => x.TeamId, "teams", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_tunnel_sessions_TeamId_EndedAt", "tunnel_sessions", ["TeamId", "EndedAt"]);
        migrationBuilder.CreateIndex("IX_tunnel_sessions_EdgeNodeId_EndedAt", "tunnel_sessions", ["EdgeNodeId", "EndedAt"]);

        migrationBuilder.CreateTable(
            name: "audit_events",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                OccurredAt = table.Column<DateTime>(nullable: false),
                ActorKind = table.Column<string>(maxLength: 16, nullable: false),
                ActorUserId = table.Column<Guid>(nullable: true),
                TeamId = table.Column<Guid>(nullable: true),
                Action = table.Column<string>(maxLength: 64, nullable: false),
                TargetType = table.Column<string>(maxLength: 32, nullable: true),
                TargetId = table.Column<string>(maxLength: 64, nullable: true),
                Details = table.Column<string>(nullable: true),
                ClientAddress = table.Column<string>(maxLength: 64, nullable: true),
                PreviousHash = table.Column<string>(maxLength: 64, nullable: false),
                Hash = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_audit_events", x => x.Id));
        migrationBuilder.CreateIndex("IX_audit_events_TeamId_Id", "audit_events", ["TeamId", "Id"]);
        migrationBuilder.CreateIndex("IX_audit_events_OccurredAt", "audit_events", "OccurredAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "audit_events", "tunnel_sessions", "edge_nodes", "reserved_names", "device_authorizations", "authtokens", "refresh_tokens", "invitations", "memberships", "teams", "users" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
