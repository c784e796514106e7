using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fdt.Data.Configurations;

internal sealed class CapturedRequestConfiguration : IEntityTypeConfiguration<CapturedRequest>
{
    public void Configure(EntityTypeBuilder<CapturedRequest> builder)
    {
        builder.ToTable("captured_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.TunnelId).HasMaxLength(64).IsRequired();
        builder.Property(r => r.TunnelName).HasMaxLength(63).IsRequired();
        builder.Property(r => r.Method).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Target).HasMaxLength(4096).IsRequired();
        builder.Property(r => r.Host).HasMaxLength(300).IsRequired();
        builder.Property(r => r.Scheme).HasMaxLength(8).IsRequired();
        builder.Property(r => r.ClientAddress).HasMaxLength(64);
        builder.Property(r => r.Kind).HasMaxLength(16).IsRequired();
        builder.Property(r => r.ErrorCode).HasMaxLength(32);
        builder.Property(r => r.RequestHeaders).IsRequired();
        builder.Property(r => r.ResponseHeaders).IsRequired();
        builder.Property(r => r.RequestBodyKey).HasMaxLength(200);
        builder.Property(r => r.ResponseBodyKey).HasMaxLength(200);
        builder.HasIndex(r => new { r.TeamId, r.ReceivedAt });
        builder.HasIndex(r => r.ReceivedAt);
        builder.Property(r => r.RequestId).HasMaxLength(128);
        builder.HasIndex(r => r.RequestId);
        builder.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}
