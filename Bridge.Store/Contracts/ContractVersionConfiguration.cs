using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Contracts;

/// <summary>Maps <see cref="ContractVersion"/> to <c>contracts</c> (migration <c>contracts</c>).</summary>
internal sealed class ContractVersionConfiguration : IEntityTypeConfiguration<ContractVersion>
{
    public void Configure(EntityTypeBuilder<ContractVersion> builder)
    {
        builder.ToTable("contracts");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.EventType).HasMaxLength(256).IsRequired();
        builder.Property(c => c.SchemaJson).IsRequired();
        builder.Property(c => c.Fingerprint).HasMaxLength(64).IsRequired();
        builder.Property(c => c.Description).HasMaxLength(1024);
        // Two registrations racing for one version: the second insert fails here and retries with the next number.
        builder.HasIndex(c => new { c.EventType, c.Version }).IsUnique();
    }
}
