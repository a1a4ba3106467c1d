using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Attempts;

/// <summary>Maps <see cref="DeliveryAttempt"/> to <c>delivery_attempts</c> (migration 0001).</summary>
internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> builder)
    {
        builder.ToTable("delivery_attempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Topic).HasMaxLength(63).IsRequired();
        builder.Property(a => a.Subscription).HasMaxLength(63).IsRequired();
        builder.Property(a => a.MessageId).HasMaxLength(128).IsRequired();
        builder.Property(a => a.CorrelationId).HasMaxLength(128).IsRequired();
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Error).HasMaxLength(2048);
        builder.Property(a => a.ResponseExcerpt).HasMaxLength(1024);
        builder.HasIndex(a => a.MessageId);
        builder.HasIndex(a => a.CorrelationId);
        builder.HasIndex(a => new { a.Topic, a.Subscription, a.StartedAt });
        builder.HasIndex(a => a.StartedAt); // retention (0013)
    }
}
