using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Publishers;

/// <summary>Maps <see cref="PublisherRecord"/> to <c>publishers</c> (migration 0005).</summary>
internal sealed class PublisherConfiguration : IEntityTypeConfiguration<PublisherRecord>
{
    public void Configure(EntityTypeBuilder<PublisherRecord> builder)
    {
        builder.ToTable("publishers");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasMaxLength(64);
        builder.Property(p => p.Name).HasMaxLength(200).IsRequired();
        builder.Property(p => p.Scopes).HasMaxLength(4000).IsRequired();
    }
}

/// <summary>Maps <see cref="PublisherKey"/> to <c>publisher_keys</c> (migration 0005).</summary>
internal sealed class PublisherKeyConfiguration : IEntityTypeConfiguration<PublisherKey>
{
    public void Configure(EntityTypeBuilder<PublisherKey> builder)
    {
        builder.ToTable("publisher_keys");
        builder.HasKey(k => k.KeyId);
        builder.Property(k => k.KeyId).HasMaxLength(32);
        builder.Property(k => k.PublisherId).HasMaxLength(64).IsRequired();
        builder.Property(k => k.Kind).HasMaxLength(16).IsRequired();
        builder.Property(k => k.SecretHash).HasMaxLength(64);
        builder.Property(k => k.ProtectedSecret).HasMaxLength(1024);
        builder.Property(k => k.ReplacedBy).HasMaxLength(32);
        builder.HasIndex(k => k.PublisherId);
    }
}
