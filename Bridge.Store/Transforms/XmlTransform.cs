using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Transforms;

/// <summary>A version of a publisher's XSLT that turns its XML into the canonical JSON event.</summary>
public sealed class XmlTransform
{
    /// <summary>The publisher (key, with <see cref="Version"/>).</summary>
    public required string PublisherId { get; set; }

    /// <summary>1, 2, …; the latest is the one used.</summary>
    public int Version { get; set; }

    /// <summary>The stylesheet.</summary>
    public required string Xslt { get; set; }

    /// <summary>SHA-256 of the stylesheet (hex), to answer a repeated registration with the existing version.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>What changed, for people.</summary>
    public string? Description { get; set; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>Who registered it.</summary>
    public required string RegisteredBy { get; set; }
}

/// <summary>Maps <see cref="XmlTransform"/> to <c>xml_transforms</c> (migration 0007).</summary>
internal sealed class XmlTransformConfiguration : IEntityTypeConfiguration<XmlTransform>
{
    public void Configure(EntityTypeBuilder<XmlTransform> builder)
    {
        builder.ToTable("xml_transforms");
        builder.HasKey(t => new { t.PublisherId, t.Version });
        builder.Property(t => t.PublisherId).HasMaxLength(64);
        builder.Property(t => t.Xslt).IsRequired();
        builder.Property(t => t.Fingerprint).HasMaxLength(64).IsRequired();
        builder.Property(t => t.Description).HasMaxLength(1000);
        builder.Property(t => t.RegisteredBy).HasMaxLength(64).IsRequired();
    }
}
