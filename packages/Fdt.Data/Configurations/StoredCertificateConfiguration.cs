using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fdt.Data.Configurations;

internal sealed class StoredCertificateConfiguration : IEntityTypeConfiguration<StoredCertificate>
{
    public void Configure(EntityTypeBuilder<StoredCertificate> builder)
    {
        builder.ToTable("certificates");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Domain).HasMaxLength(253).IsRequired();
        builder.HasIndex(c => c.Domain).IsUnique();
        builder.Property(c => c.CertificatePem).IsRequired();
        builder.Property(c => c.EncryptedKey).IsRequired();
        builder.Property(c => c.Thumbprint).HasMaxLength(64).IsRequired();
        builder.Property(c => c.Subject).HasMaxLength(1024).IsRequired();
    }
}
