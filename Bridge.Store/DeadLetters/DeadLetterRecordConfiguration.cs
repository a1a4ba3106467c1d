using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.DeadLetters;

/// <summary>Maps <see cref="DeadLetterRecord"/> to <c>dead_letters</c> (migration 0002).</summary>
internal sealed class DeadLetterRecordConfiguration : IEntityTypeConfiguration<DeadLetterRecord>
{
    public void Configure(EntityTypeBuilder<DeadLetterRecord> builder)
    {
        builder.ToTable("dead_letters");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Topic).HasMaxLength(63).IsRequired();
        builder.Property(d => d.Subscription).HasMaxLength(63).IsRequired();
        builder.Property(d => d.MessageId).HasMaxLength(128).IsRequired();
        builder.Property(d => d.CorrelationId).HasMaxLength(128).IsRequired();
        builder.Property(d => d.Type).HasMaxLength(256).IsRequired();
        builder.Property(d => d.Reason).HasMaxLength(64).IsRequired();
        builder.Property(d => d.Description).HasMaxLength(2048);
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.ResolvedBy).HasMaxLength(128);
        builder.HasIndex(d => new { d.Topic, d.Subscription, d.DeadLetteredAt });
        builder.HasIndex(d => d.MessageId);
        builder.HasIndex(d => d.DeadLetteredAt); // retention (0013)
    }
}
