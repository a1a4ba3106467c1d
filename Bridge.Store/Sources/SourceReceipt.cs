using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Sources;

/// <summary>
/// An event a broker source has put on its topic, by source and envelope id: a redelivery of the same broker message
/// (after a lost acknowledgement or a crash) finds it and is acknowledged without being published again.
/// </summary>
public sealed class SourceReceipt
{
    /// <summary>The source's name.</summary>
    public required string Source { get; set; }

    /// <summary>The envelope's id (the broker message's id, or what the source's mapping takes it from).</summary>
    public required string MessageId { get; set; }

    /// <summary>When the event was published to the topic; receipts older than the source's receipt window are pruned.</summary>
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>Maps <see cref="SourceReceipt"/> to <c>source_receipts</c> (migration 0016).</summary>
internal sealed class SourceReceiptConfiguration : IEntityTypeConfiguration<SourceReceipt>
{
    public void Configure(EntityTypeBuilder<SourceReceipt> builder)
    {
        builder.ToTable("source_receipts");
        builder.HasKey(r => new { r.Source, r.MessageId });
        builder.Property(r => r.Source).HasMaxLength(63);
        builder.Property(r => r.MessageId).HasMaxLength(256);
        builder.HasIndex(r => r.ReceivedAt);
    }
}
