using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fdt.Data.Configurations;

internal sealed class TunnelSessionConfiguration : IEntityTypeConfiguration<TunnelSession>
{
    public void Configure(EntityTypeBuilder<TunnelSession> builder)
    {
        builder.ToTable("tunnel_sessions");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(64);
        builder.Property(t => t.EdgeNodeId).HasMaxLength(64).IsRequired();
        builder.Property(t => t.AgentSessionId).HasMaxLength(64).IsRequired();
        builder.Property(t => t.Name).HasMaxLength(63).IsRequired();
        builder.Property(t => t.Protocol).HasMaxLength(8).IsRequired();
        builder.Property(t => t.Url).HasMaxLength(300).IsRequired();
        builder.Property(t => t.LocalAddress).HasMaxLength(300);
        builder.Property(t => t.ClientAddress).HasMaxLength(64);
        builder.Property(t => t.AgentVersion).HasMaxLength(32);
        builder.HasIndex(t => new { t.TeamId, t.EndedAt });
        builder.HasIndex(t => new { t.EdgeNodeId, t.EndedAt });
        builder.HasOne<Team>().WithMany().HasForeignKey(t => t.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}
