using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Outbox;

/// <summary>An accepted envelope waiting to be forwarded to the broker, in <see cref="Sequence"/> order.</summary>
public sealed class OutboxMessage
{
    /// <summary>Order of acceptance (key).</summary>
    public long Sequence { get; set; }

    /// <summary>The topic it goes to.</summary>
    public required string Topic { get; set; }

    /// <summary>The envelope's id.</summary>
    public required string MessageId { get; set; }

    /// <summary>The envelope's correlation id, for the logs.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>The serialized envelope.</summary>
    public required byte[] Envelope { get; set; }

    /// <summary>When it becomes visible to subscriptions, if scheduled.</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; set; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the broker refused it for good; such a row is kept with <see cref="Error"/> and no longer forwarded.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>Why the broker refused it.</summary>
    public string? Error { get; set; }
}

/// <summary>Who forwards the outbox: one process per store at a time, so envelopes leave in order.</summary>
public sealed class OutboxLease
{
    /// <summary>The lease's name (key).</summary>
    public required string Name { get; set; }

    /// <summary>The process holding it.</summary>
    public required string Holder { get; set; }

    /// <summary>When it lapses unless renewed.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>Maps the outbox (migration 0008).</summary>
internal sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxMessage>, IEntityTypeConfiguration<OutboxLease>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox");
        builder.HasKey(m => m.Sequence);
        builder.Property(m => m.Sequence).ValueGeneratedOnAdd();
        builder.Property(m => m.Topic).HasMaxLength(63);
        builder.Property(m => m.MessageId).HasMaxLength(128);
        builder.Property(m => m.CorrelationId).HasMaxLength(128);
        builder.Property(m => m.Error).HasMaxLength(1000);
        builder.HasIndex(m => m.FailedAt);
    }

    public void Configure(EntityTypeBuilder<OutboxLease> builder)
    {
        builder.ToTable("outbox_lease");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(32);
        builder.Property(l => l.Holder).HasMaxLength(128);
    }
}
