using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Events;

/// <summary>Maps <see cref="AuditedEvent"/> to <c>events</c> (migration 0002).</summary>
internal sealed class AuditedEventConfiguration : IEntityTypeConfiguration<AuditedEvent>
{
    public void Configure(EntityTypeBuilder<AuditedEvent> builder)
    {
        builder.ToTable("events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.MessageId).HasMaxLength(128).IsRequired();
        builder.Property(e => e.Topic).HasMaxLength(63).IsRequired();
        builder.Property(e => e.Type).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Source).HasMaxLength(512).IsRequired();
        builder.Property(e => e.Subject).HasMaxLength(256);
        builder.Property(e => e.CorrelationId).HasMaxLength(128).IsRequired();
        builder.Property(e => e.OrderingKey).HasMaxLength(128);
        builder.HasIndex(e => e.MessageId);
        builder.HasIndex(e => e.CorrelationId);
        builder.HasIndex(e => new { e.Topic, e.AcceptedAt });
        builder.HasIndex(e => new { e.Type, e.AcceptedAt });
        builder.HasIndex(e => e.AcceptedAt);
    }
}
