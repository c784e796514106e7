using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fdt.Data.Migrations;

/// <summary>The X-Request-Id of each captured exchange, to find an exchange from a log line.</summary>
[DbContext(typeof(FdtDbContext))]
[Migration("20261122000005_AddCaptureRequestId")]
public sealed class AddCaptureRequestId : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("RequestId", "captured_requests", maxLength: 128, nullable: true);
        migrationBuilder.CreateIndex("IX_captured_requests_RequestId", "captured_requests", "RequestId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_captured_requests_RequestId", "captured_requests");
        migrationBuilder.DropColumn("RequestId", "captured_requests");
    }
}
