using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fdt.Data.Migrations;

/// <summary>The inspector's captured exchanges, and each team's retention for them.</summary>
[DbContext(typeof(FdtDbContext))]
[Migration("20261122000004_AddCapturedRequests")]
public sealed class AddCapturedRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>("InspectionRetentionDays", "teams", nullable: false, defaultValue: 3);
        migrationBuilder.CreateTable(
            name: "captured_requests",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TeamId = table.Column<Guid>(nullable: false),
                TunnelId = table.Column<string>(maxLength: 64, nullable: false),
                TunnelName = table.Column<string>(maxLength: 63, nullable: false),
                Method = table.Column<string>(maxLength: 32, nullable: false),
                Target = table.Column<string>(maxLength: 4096, nullable: false),
                Host = table.Column<string>(maxLength: 300, nullable: false),
                Scheme = table.Column<string>(maxLength: 8, nullable: false),
                ClientAddress = table.Column<string>(maxLength: 64, nullable: true),
                Status = table.Column<int>(nullable: false),
                Kind = table.Column<string>(maxLength: 16, nullable: false),
                Events = table.Column<int>(nullable: false),
                ErrorCode = table.Column<string>(maxLength: 32, nullable: true),
                ReceivedAt = table.Column<DateTime>(nullable: false),
                FirstByteMilliseconds = table.Column<double>(nullable: true),
                DurationMilliseconds = table.Column<double>(nullable: false),
                RequestHeaders = table.Column<string>(nullable: false),
                ResponseHeaders = table.Column<string>(nullable: false),
                RequestBodySize = table.Column<long>(nullable: false),
                ResponseBodySize = table.Column<long>(nullable: false),
                RequestBodyKey = table.Column<string>(maxLength: 200, nullable: true),
                ResponseBodyKey = table.Column<string>(maxLength: 200, nullable: true),
                RequestBodyTruncated = table.Column<bool>(nullable: false),
                ResponseBodyTruncated = table.Column<bool>(nullable: false),
                BodiesMissing = table.Column<bool>(nullable: false),
                ReplayOfId = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_captured_requests", x => x.Id);
                table.ForeignKey("FK_captured_requests_teams_TeamId", x => x.TeamId, "teams", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_captured_requests_TeamId_ReceivedAt", "captured_requests", ["TeamId", "ReceivedAt"]);
        migrationBuilder.CreateIndex("IX_captured_requests_ReceivedAt", "captured_requests", "ReceivedAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("captured_requests");
        migrationBuilder.DropColumn("InspectionRetentionDays", "teams");
    }
}
