using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fdt.Data.Migrations;

/// <summary>Team default and reserved-name traffic policies, composed by the edge with the agent's.</summary>
[DbContext(typeof(FdtDbContext))]
[Migration("20261122000003_AddTrafficPolicies")]
public sealed class AddTrafficPolicies : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "traffic_policies",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TeamId = table.Column<Guid>(nullable: false),
                ReservedNameId = table.Column<Guid>(nullable: true),
                Key = table.Column<string>(maxLength: 64, nullable: false),
                Document = table.Column<string>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                UpdatedByUserId = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_traffic_policies", x => x.Id);
                table.ForeignKey("FK_traffic_policies_teams_TeamId", x => x.TeamId, "teams", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_traffic_policies_reserved_names_ReservedNameId", x => x.ReservedNameId, "reserved_names", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_traffic_policies_TeamId_Key", "traffic_policies", ["TeamId", "Key"], unique: true);
        migrationBuilder.CreateIndex("IX_traffic_policies_ReservedNameId", "traffic_policies", "ReservedNameId");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("traffic_policies");
}
