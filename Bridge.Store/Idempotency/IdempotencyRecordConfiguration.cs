using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Idempotency;

/// <summary>Maps <see cref="IdempotencyRecord"/> to <c>idempotency_keys</c>.</summary>
internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable(IdempotencyTable.Name);
        builder.HasKey(r => new { r.Scope, r.Topic, r.Key });
        builder.Property(r => r.Scope).HasMaxLength(IdempotencyRecord.ScopeMaxLength);
        builder.Property(r => r.Topic).HasMaxLength(63);
        builder.Property(r => r.Key).HasMaxLength(IdempotencyRecord.KeyMaxLength);
        builder.Property(r => r.Fingerprint).HasMaxLength(64).IsRequired();
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.ClaimToken).HasMaxLength(32).IsRequired();
        builder.Property(r => r.ContentType).HasMaxLength(256);
        builder.Property(r => r.ResponseHeaders).HasMaxLength(4000);
        builder.HasIndex(r => r.ExpiresAt);
    }
}
