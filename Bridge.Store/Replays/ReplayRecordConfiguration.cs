using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Replays;

/// <summary>Maps <see cref="ReplayRecord"/> to <c>replays</c> (migration 0001; <c>JobId</c> since 0002).</summary>
internal sealed class ReplayRecordConfiguration : IEntityTypeConfiguration<ReplayRecord>
{
    public void Configure(EntityTypeBuilder<ReplayRecord> builder)
    {
        builder.ToTable("replays");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Topic).HasMaxLength(63).IsRequired();
        builder.Property(r => r.Subscription).HasMaxLength(63).IsRequired();
        builder.Property(r => r.MessageId).HasMaxLength(128).IsRequired();
        builder.Property(r => r.RequestedBy).HasMaxLength(128).IsRequired();
        builder.Property(r => r.JobId).HasMaxLength(ReplayJob.IdMaxLength);
        builder.HasIndex(r => r.MessageId);
        builder.HasIndex(r => r.JobId);
        builder.HasIndex(r => r.ReplayedAt); // retention (0013)
    }
}
