using Bridge.Store.DeadLetters;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Sources;

/// <summary>
/// A broker message a source could not turn into an event, kept as it arrived (body and headers) with the reason, until
/// it is replayed through the source's current mapping or purged.
/// </summary>
public sealed class SourceDeadLetter
{
    /// <summary>Store key.</summary>
    public long Id { get; set; }

    /// <summary>The source's name.</summary>
    public required string Source { get; set; }

    /// <summary>The topic the source feeds.</summary>
    public required string Topic { get; set; }

    /// <summary>The broker message's id, if it had one.</summary>
    public string? MessageId { get; set; }

    /// <summary>Why it could not be read (<c>InvalidCloudEvent</c>, <c>InvalidJson</c>, <c>MappingFailed</c>, <c>TooLarge</c>).</summary>
    public required string Reason { get; set; }

    /// <summary>What went wrong, in words.</summary>
    public string? Description { get; set; }

    /// <summary>The message's content type, if it had one.</summary>
    public string? ContentType { get; set; }

    /// <summary>The message's headers and broker properties as a JSON object (values as text; bytes as base64).</summary>
    public required string Headers { get; set; }

    /// <summary>The message body, byte for byte.</summary>
#pragma warning disable CA1819 // an entity's binary column
    public required byte[] Body { get; set; }
#pragma warning restore CA1819

    /// <summary>When it was dead-lettered.</summary>
    public DateTimeOffset DeadLetteredAt { get; set; }

    /// <summary>Whether it is still a dead letter.</summary>
    public DeadLetterState State { get; set; }

    /// <summary>When it was replayed or purged.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>Who replayed or purged it.</summary>
    public string? ResolvedBy { get; set; }

    /// <summary>The ids of the events a replay published (comma-separated).</summary>
    public string? ReplayedIds { get; set; }
}

/// <summary>Maps <see cref="SourceDeadLetter"/> to <c>source_dead_letters</c> (migration 0016).</summary>
internal sealed class SourceDeadLetterConfiguration : IEntityTypeConfiguration<SourceDeadLetter>
{
    public void Configure(EntityTypeBuilder<SourceDeadLetter> builder)
    {
        builder.ToTable("source_dead_letters");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedOnAdd();
        builder.Property(d => d.Source).HasMaxLength(63);
        builder.Property(d => d.Topic).HasMaxLength(63);
        builder.Property(d => d.MessageId).HasMaxLength(256);
        builder.Property(d => d.Reason).HasMaxLength(64);
        builder.Property(d => d.Description).HasMaxLength(2000);
        builder.Property(d => d.ContentType).HasMaxLength(256);
        builder.Property(d => d.ResolvedBy).HasMaxLength(128);
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(d => new { d.Source, d.State, d.Id });
    }
}
