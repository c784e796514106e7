using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fdt.Data.Configurations;

internal sealed class TrafficPolicyConfiguration : IEntityTypeConfiguration<TrafficPolicy>
{
    public void Configure(EntityTypeBuilder<TrafficPolicy> builder)
    {
        builder.ToTable("traffic_policies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Key).HasMaxLength(64).IsRequired();
        builder.Property(p => p.Document).IsRequired();
        builder.HasIndex(p => new { p.TeamId, p.Key }).IsUnique();
        builder.HasIndex(p => p.ReservedNameId);
        builder.HasOne<Team>().WithMany().HasForeignKey(p => p.TeamId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReservedName>().WithMany().HasForeignKey(p => p.ReservedNameId).OnDelete(DeleteBehavior.Cascade);
    }
}
