using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fdt.Data.Configurations;

internal sealed class DeviceAuthorizationConfiguration : IEntityTypeConfiguration<DeviceAuthorization>
{
    public void Configure(EntityTypeBuilder<DeviceAuthorization> builder)
    {
        builder.ToTable("device_authorizations");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.DeviceCodeHash).HasMaxLength(64).IsRequired();
        builder.HasIndex(d => d.DeviceCodeHash).IsUnique();
        builder.Property(d => d.UserCode).HasMaxLength(16).IsRequired();
        builder.HasIndex(d => d.UserCode);
        builder.Property(d => d.ClientDescription).HasMaxLength(200).IsRequired();
        builder.Property(d => d.ClientAddress).HasMaxLength(64);
    }
}
