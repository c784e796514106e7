using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fdt.Data.Configurations;

internal sealed class EdgeNodeConfiguration : IEntityTypeConfiguration<EdgeNode>
{
    public void Configure(EntityTypeBuilder<EdgeNode> builder)
    {
        builder.ToTable("edge_nodes");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(64);
        builder.Property(e => e.Version).HasMaxLength(32).IsRequired();
        builder.Property(e => e.Address).HasMaxLength(256);
    }
}
