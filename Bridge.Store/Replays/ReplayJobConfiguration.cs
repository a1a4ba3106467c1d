using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Replays;

/// <summary>Maps <see cref="ReplayJob"/> to <c>replay_jobs</c> (migration 0002).</summary>
internal sealed class ReplayJobConfiguration : IEntityTypeConfiguration<ReplayJob>
{
    public void Configure(EntityTypeBuilder<ReplayJob> builder)
    {
        builder.ToTable("replay_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).HasMaxLength(ReplayJob.IdMaxLength).ValueGeneratedNever();
        builder.Property(j => j.Topic).HasMaxLength(63).IsRequired();
        builder.Property(j => j.Subscription).HasMaxLength(63).IsRequired();
        builder.Property(j => j.FilterJson).HasMaxLength(4000);
        builder.Property(j => j.TargetUrl).HasMaxLength(2048);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.RequestedBy).HasMaxLength(128).IsRequired();
        builder.Property(j => j.Error).HasMaxLength(2048);
        builder.HasIndex(j => new { j.Topic, j.Subscription, j.CreatedAt });
        builder.HasIndex(j => j.Status);
    }
}
