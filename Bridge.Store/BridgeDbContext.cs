using Bridge.Store.Attempts;
using Bridge.Store.Replays;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Store;

/// <summary>Bridge's relational store: delivery attempts and replay records.</summary>
public sealed class BridgeDbContext(DbContextOptions<BridgeDbContext> options) : DbContext(options)
{
    /// <summary>Every webhook delivery attempt.</summary>
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();

    /// <summary>Every replay of a dead letter.</summary>
    public DbSet<ReplayRecord> Replays => Set<ReplayRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<DeliveryAttempt>(attempt =>
        {
            attempt.ToTable("delivery_attempts");
            attempt.HasKey(a => a.Id);
            attempt.Property(a => a.Topic).HasMaxLength(63).IsRequired();
            attempt.Property(a => a.Subscription).HasMaxLength(63).IsRequired();
            attempt.Property(a => a.MessageId).HasMaxLength(128).IsRequired();
            attempt.Property(a => a.CorrelationId).HasMaxLength(128).IsRequired();
            attempt.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
            attempt.Property(a => a.Error).HasMaxLength(2048);
            attempt.Property(a => a.ResponseExcerpt).HasMaxLength(1024);
            attempt.HasIndex(a => a.MessageId);
            attempt.HasIndex(a => a.CorrelationId);
            attempt.HasIndex(a => new { a.Topic, a.Subscription, a.StartedAt });
        });

        modelBuilder.Entity<ReplayRecord>(replay =>
        {
            replay.ToTable("replays");
            replay.HasKey(r => r.Id);
            replay.Property(r => r.Topic).HasMaxLength(63).IsRequired();
            replay.Property(r => r.Subscription).HasMaxLength(63).IsRequired();
            replay.Property(r => r.MessageId).HasMaxLength(128).IsRequired();
            replay.Property(r => r.RequestedBy).HasMaxLength(128).IsRequired();
            replay.HasIndex(r => r.MessageId);
        });
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Unix milliseconds: sortable and comparable on every provider, SQLite included.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }
}
