using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Alerts;

/// <summary>An alert rule made through the admin API (rules from configuration are not stored).</summary>
public sealed class AlertRuleRecord
{
    /// <summary>The rule's name (1-63 of a-z, 0-9, '-', '_').</summary>
    public required string Name { get; set; }

    /// <summary>The rule's settings as JSON.</summary>
    public required string Definition { get; set; }

    /// <summary>When it was first stored.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who stored it last (the admin's publisher id).</summary>
    public required string UpdatedBy { get; set; }

    /// <summary>When it was stored last.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Maps <see cref="AlertRuleRecord"/> to <c>alert_rules</c> (migration 0014).</summary>
internal sealed class AlertRuleRecordConfiguration : IEntityTypeConfiguration<AlertRuleRecord>
{
    public void Configure(EntityTypeBuilder<AlertRuleRecord> builder)
    {
        builder.ToTable("alert_rules");
        builder.HasKey(r => r.Name);
        builder.Property(r => r.Name).HasMaxLength(63);
        builder.Property(r => r.Definition).IsRequired();
        builder.Property(r => r.UpdatedBy).HasMaxLength(64).IsRequired();
    }
}
