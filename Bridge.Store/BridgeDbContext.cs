using Bridge.Store.Attempts;
using Bridge.Store.DeadLetters;
using Bridge.Store.Deliveries;
using Bridge.Store.Endpoints;
using Bridge.Store.Events;
using Bridge.Store.Replays;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Store;

/// <summary>
/// Bridge's relational store. Each feature folder holds its entities and their <see cref="IEntityTypeConfiguration{TEntity}"/>;
/// the schema itself is made by the versioned SQL scripts of each provider (<c>Providers/{Provider}/Migrations</c>).
/// </summary>
public sealed class BridgeDbContext(DbContextOptions<BridgeDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring every process of a deployment shares (it encrypts webhook and HMAC secrets).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Every webhook delivery attempt.</summary>
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();

    /// <summary>Every replay of a dead letter.</summary>
    public DbSet<ReplayRecord> Replays => Set<ReplayRecord>();

    /// <summary>Bulk replays of dead letters.</summary>
    public DbSet<ReplayJob> ReplayJobs => Set<ReplayJob>();

    /// <summary>Events the publisher accepted.</summary>
    public DbSet<AuditedEvent> Events => Set<AuditedEvent>();

    /// <summary>The delivery of each envelope to each subscription.</summary>
    public DbSet<DeliveryRecord> Deliveries => Set<DeliveryRecord>();

    /// <summary>Envelopes dead-lettered, and what became of them.</summary>
    public DbSet<DeadLetterRecord> DeadLetters => Set<DeadLetterRecord>();

    /// <summary>The operational state of each subscription's webhook.</summary>
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BridgeDbContext).Assembly);
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Unix milliseconds: sortable and comparable on every provider, SQLite included.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }
}
