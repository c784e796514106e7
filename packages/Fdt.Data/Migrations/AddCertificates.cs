using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Fdt.Data.Migrations;

/// <summary>Operators' uploaded certificates for the HTTPS listener (keys encrypted at rest).</summary>
[DbContext(typeof(FdtDbContext))]
[Migration("20261122000002_AddCertificates")]
public sealed class AddCertificates : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "certificates",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Domain = table.Column<string>(maxLength: 253, nullable: false),
                CertificatePem = table.Column<string>(nullable: false),
                EncryptedKey = table.Column<byte[]>(nullable: false),
                Thumbprint = table.Column<string>(maxLength: 64, nullable: false),
                Subject = table.Column<string>(maxLength: 1024, nullable: false),
                NotBefore = table.Column<DateTime>(nullable: false),
                NotAfter = table.Column<DateTime>(nullable: false),
                UploadedByUserId = table.Column<Guid>(nullable: true),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_certificates", x => x.Id));
        migrationBuilder.CreateIndex("IX_certificates_Domain", "certificates", "Domain", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("certificates");
}
