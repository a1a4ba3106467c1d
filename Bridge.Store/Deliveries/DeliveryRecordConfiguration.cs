using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Deliveries;

/// <summary>Maps <see cref="DeliveryRecord"/> to <c>deliveries</c> (migration 0002).</summary>
internal sealed class DeliveryRecordConfiguration : IEntityTypeConfiguration<DeliveryRecord>
{
    public void Configure(EntityTypeBuilder<DeliveryRecord> builder)
    {
        builder.ToTable("deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Topic).HasMaxLength(63).IsRequired();
        builder.Property(d => d.Subscription).HasMaxLength(63).IsRequired();
        builder.Property(d => d.MessageId).HasMaxLength(128).IsRequired();
        builder.Property(d => d.CorrelationId).HasMaxLength(128).IsRequired();
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.LastError).HasMaxLength(2048);
        builder.HasIndex(d => new { d.Topic, d.Subscription, d.MessageId }).IsUnique();
        builder.HasIndex(d => d.LastAttemptAt); // retention (0013)
        builder.HasIndex(d => new { d.Topic, d.Subscription, d.Status, d.CompletedAt }); // recovery by delivery time (0015)
    }
}
