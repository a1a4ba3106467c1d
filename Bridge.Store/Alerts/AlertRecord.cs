using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Alerts;

/// <summary>
/// One alert: a rule's condition for one subject (a subscription, a topic, a publisher, or the whole rule when grouped
/// so), from when it fired until it cleared. While it is open its <see cref="OpenKey"/> is <see cref="Open"/>, and a
/// unique index on rule, subject and open key lets only one process open it.
/// </summary>
public sealed class AlertRecord
{
    /// <summary>The <see cref="OpenKey"/> of an open alert.</summary>
    public const string Open = "open";

    /// <summary>The alert id (32 hex digits); the correlation id of its two events.</summary>
    public required string Id { get; set; }

    /// <summary>The rule's name.</summary>
    public required string Rule { get; set; }

    /// <summary>What the rule watches: <c>deadLetterDepth</c>, <c>endpointUnavailable</c>, <c>failureRatio</c>, <c>publishRefusals</c>, <c>retriesExhausted</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>What the alert is about, e.g. <c>orders/crm</c>, <c>orders</c>, <c>publisher:acme</c> or <c>*</c>.</summary>
    public required string Subject { get; set; }

    /// <summary><see cref="Open"/> while open, the alert id once cleared (so later alerts of the same rule and subject can open).</summary>
    public required string OpenKey { get; set; }

    /// <summary>When the condition started (the alert fired).</summary>
    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>When the condition ended (the alert cleared); null while open.</summary>
    public DateTimeOffset? ClearedAt { get; set; }

    /// <summary>The measured value when it fired (depth, ratio, count, seconds).</summary>
    public double Value { get; set; }

    /// <summary>The highest value seen while open.</summary>
    public double Peak { get; set; }

    /// <summary>The rule's threshold when it fired.</summary>
    public double Threshold { get; set; }

    /// <summary>One line for people, e.g. "12 dead letters on orders/crm (threshold 10)".</summary>
    public required string Summary { get; set; }

    /// <summary>The members in breach when the rule groups several (JSON array of strings), else null.</summary>
    public string? Members { get; set; }

    /// <summary>The process that checks the alert (it fired it, or took it over from a process that stopped checking).</summary>
    public required string Owner { get; set; }

    /// <summary>When its owner last found the condition still holding; an owner silent for long lets another process take over.</summary>
    public DateTimeOffset CheckedAt { get; set; }

    /// <summary>Whether the <c>bridge.alert.fired</c> event is on the alert topic (until then it is sent again, with the same id).</summary>
    public bool FiredSent { get; set; }

    /// <summary>Whether the <c>bridge.alert.cleared</c> event is on the alert topic (meaningful once cleared).</summary>
    public bool ClearedSent { get; set; }
}

/// <summary>Maps <see cref="AlertRecord"/> to <c>alerts</c> (migration 0014).</summary>
internal sealed class AlertRecordConfiguration : IEntityTypeConfiguration<AlertRecord>
{
    public void Configure(EntityTypeBuilder<AlertRecord> builder)
    {
        builder.ToTable("alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(32);
        builder.Property(a => a.Rule).HasMaxLength(63).IsRequired();
        builder.Property(a => a.Kind).HasMaxLength(32).IsRequired();
        builder.Property(a => a.Subject).HasMaxLength(200).IsRequired();
        builder.Property(a => a.OpenKey).HasMaxLength(32).IsRequired();
        builder.Property(a => a.Summary).HasMaxLength(1000).IsRequired();
        builder.Property(a => a.Owner).HasMaxLength(128).IsRequired();
        builder.HasIndex(a => new { a.Rule, a.Subject, a.OpenKey }).IsUnique();
        builder.HasIndex(a => a.OpenedAt);
    }
}
