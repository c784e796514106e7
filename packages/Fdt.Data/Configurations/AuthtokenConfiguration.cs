using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Fdt.Data.Configurations;

internal sealed class AuthtokenConfiguration : IEntityTypeConfiguration<Authtoken>
{
    public void Configure(EntityTypeBuilder<Authtoken> builder)
    {
        builder.ToTable("authtokens");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Description).HasMaxLength(200).IsRequired();
        builder.Property(a => a.Prefix).HasMaxLength(32).IsRequired();
        builder.Property(a => a.SecretHash).HasMaxLength(64).IsRequired();
        builder.HasIndex(a => a.SecretHash).IsUnique();
        builder.HasIndex(a => a.TeamId);
        builder.HasOne<Team>().WithMany().HasForeignKey(a => a.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}
