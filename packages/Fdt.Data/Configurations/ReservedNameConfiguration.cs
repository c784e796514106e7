using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fdt.Data.Configurations;

internal sealed class ReservedNameConfiguration : IEntityTypeConfiguration<ReservedName>
{
    public void Configure(EntityTypeBuilder<ReservedName> builder)
    {
        builder.ToTable("reserved_names");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(63).IsRequired();
        builder.HasIndex(r => r.Name).IsUnique();
        builder.HasIndex(r => r.TeamId);
        builder.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}
