using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.Subscriptions;

/// <summary>
/// A subscription made through the API: push (a webhook) or pull (read over HTTP; no URL and no secret, see
/// <see cref="Settings"/>). A deleted one stays as a tombstone (<see cref="DeletedAt"/>) until every
/// process has stopped delivering to it and its broker queue is removed.
/// </summary>
public sealed class SubscriptionRecord
{
    /// <summary>The topic (key, with <see cref="Name"/>).</summary>
    public required string Topic { get; set; }

    /// <summary>The subscription's name within its topic.</summary>
    public required string Name { get; set; }

    /// <summary>What it is for, for people.</summary>
    public string? Description { get; set; }

    /// <summary>The webhook URL envelopes are delivered to; empty for a pull subscription.</summary>
    public required string Url { get; set; }

    /// <summary>Delivery (push or pull), filter, limits and order as JSON (the configuration shape of a subscription, without URL and secret).</summary>
    public required string Settings { get; set; }

    /// <summary>The signing secret, encrypted with ASP.NET Core Data Protection; empty for a pull subscription (nothing is signed).</summary>
    public required string ProtectedSecret { get; set; }

    /// <summary>The secret before the last rotation, encrypted, while calls are still signed with it too.</summary>
    public string? ProtectedPreviousSecret { get; set; }

    /// <summary>Until when calls carry the previous secret's signature as well.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>
    /// The secret values of its credentials to the endpoint (static header values, Basic password, OAuth client secret),
    /// encrypted with ASP.NET Core Data Protection; null when it has none. What is not secret about them is in
    /// <see cref="Settings"/> (migration 0012).
    /// </summary>
    public string? ProtectedCredentials { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The publisher whose key created it.</summary>
    public required string CreatedBy { get; set; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it was deleted; null while it is live.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Incremented by every write (a concurrency token); processes compare it to know what changed.</summary>
    public long Version { get; set; }
}

/// <summary>Maps <see cref="SubscriptionRecord"/> to <c>subscriptions</c> (migrations 0009 and 0012).</summary>
internal sealed class SubscriptionRecordConfiguration : IEntityTypeConfiguration<SubscriptionRecord>
{
    public void Configure(EntityTypeBuilder<SubscriptionRecord> builder)
    {
        builder.ToTable("subscriptions");
        builder.HasKey(s => new { s.Topic, s.Name });
        builder.Property(s => s.Topic).HasMaxLength(63);
        builder.Property(s => s.Name).HasMaxLength(63);
        builder.Property(s => s.Description).HasMaxLength(1000);
        builder.Property(s => s.Url).HasMaxLength(2048).IsRequired();
        builder.Property(s => s.Settings).IsRequired();
        builder.Property(s => s.ProtectedSecret).HasMaxLength(1024).IsRequired();
        builder.Property(s => s.ProtectedPreviousSecret).HasMaxLength(1024);
        builder.Property(s => s.CreatedBy).HasMaxLength(64).IsRequired();
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}
