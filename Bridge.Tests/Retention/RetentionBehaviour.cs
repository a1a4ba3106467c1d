using Bridge.Store;
using Bridge.Store.Attempts;
using Bridge.Store.DeadLetters;
using Bridge.Store.Deliveries;
using Bridge.Store.Events;
using Bridge.Store.Replays;
using Bridge.Store.Retention;
using Bridge.Store.Sources;
using Bridge.Tests.Store;
using Bridge.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Bridge.Tests.Support.StoreRecords;

namespace Bridge.Tests.Retention;

/// <summary>Pruning a real store by the retention periods; each provider runs it through a subclass.</summary>
public abstract class RetentionBehaviour : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private string _connectionString = null!;
    private int _next;

    private protected RetentionBehaviour(StoreUnderTest store) => Store = store;

    private protected StoreUnderTest Store { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await Store.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Events_attempts_and_deliveries_older_than_their_period_are_removed_batch_by_batch_and_a_topic_s_own_period_wins()
    {
        using var host = await StartAsync(
            ("Bridge:Store:Retention:Topics:telemetry", "2.00:00:00"),
            ("Bridge:Store:Retention:Topics:invoices", "60.00:00:00"));
        await SeedTrailAsync("orders", days: 40, count: 25); // past the default 30 days: three batches of 10
        await SeedTrailAsync("orders", days: 20, count: 3);
        await SeedTrailAsync("telemetry", days: 3, count: 2); // past its own 2 days
        await SeedTrailAsync("telemetry", days: 1, count: 1);
        await SeedTrailAsync("invoices", days: 40, count: 2); // within its own 60 days

        var run = await host.Services.GetRequiredService<StorePruner>().PruneAsync(Ct);

        Assert.Equal(new RetentionRun(27, 27, 27, 0, 0), run);
        foreach (var table in new[] { "events", "delivery_attempts", "deliveries" })
        {
            Assert.Equal(["invoices:2", "orders:3", "telemetry:1"], await CountByTopicAsync(table));
        }

        // Nothing is left to prune: a second run (or another process's) removes nothing.
        Assert.Equal(0, (await host.Services.GetRequiredService<StorePruner>().PruneAsync(Ct)).Total);
    }

    [Fact]
    public async Task Dead_letters_and_replays_are_kept_by_their_own_period_whatever_their_topic_s_and_a_source_s_open_dead_letters_until_resolved()
    {
        using var host = await StartAsync(("Bridge:Store:Retention:Topics:orders", "1.00:00:00"));
        await using (var db = Store.CreateContext(_connectionString))
        {
            foreach (var days in new[] { 100, 100, 40, 2 })
            {
                var id = $"m-{_next++}";
                db.DeadLetters.Add(DeadLetter(id, Now.AddDays(-days)));
                db.Replays.Add(new ReplayRecord { Topic = "orders", Subscription = "erp", MessageId = id, ReplayedAt = Now.AddDays(-days), RequestedBy = "ops" });
            }
            foreach (var (days, state) in new[] { (100, DeadLetterState.Open), (100, DeadLetterState.Replayed), (2, DeadLetterState.Purged) })
            {
                db.Add(new SourceDeadLetter
                {
                    Source = "erp",
                    Topic = "orders",
                    MessageId = $"s-{_next++}",
                    Reason = "MappingFailed",
                    Headers = "{}",
                    Body = [1, 2],
                    DeadLetteredAt = Now.AddDays(-days),
                    State = state,
                });
            }
            await db.SaveChangesAsync(Ct);
        }

        var run = await host.Services.GetRequiredService<StorePruner>().PruneAsync(Ct);

        Assert.Equal(new RetentionRun(0, 0, 0, 3, 2), run); // two dead-letter records, and the source's old replayed one
        await using (var db = Store.CreateContext(_connectionString))
        {
            Assert.Equal([DeadLetterState.Open, DeadLetterState.Purged], await db.Set<SourceDeadLetter>().OrderBy(d => d.State).Select(d => d.State).ToListAsync(Ct));
        }
        Assert.Equal(["orders:2"], await CountByTopicAsync("dead_letters"));
        Assert.Equal(["orders:2"], await CountByTopicAsync("replays"));
    }

    [Fact]
    public async Task Two_processes_pruning_the_same_store_at_once_remove_each_row_once_between_them()
    {
        using var a = await StartAsync();
        using var b = await StartAsync();
        await SeedTrailAsync("orders", days: 40, count: 60);
        await SeedTrailAsync("orders", days: 1, count: 5);

        var runs = await Task.WhenAll(
            a.Services.GetRequiredService<StorePruner>().PruneAsync(Ct),
            b.Services.GetRequiredService<StorePruner>().PruneAsync(Ct));

        Assert.Equal(60, runs.Sum(r => r.Events));
        Assert.Equal(60, runs.Sum(r => r.Deliveries));
        Assert.Equal(["orders:5"], await CountByTopicAsync("events"));
        Assert.Equal(["orders:5"], await CountByTopicAsync("delivery_attempts"));
    }

    /// <summary>A started host with the store (migrated) and retention in batches of 10 without pause; it never prunes by itself.</summary>
    private async Task<IHost> StartAsync(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bridge:Store:Provider"] = Store.Provider.Name,
            ["ConnectionStrings:bridgedb"] = _connectionString,
            ["Bridge:Store:Retention:Enabled"] = "false",
            ["Bridge:Store:Retention:BatchSize"] = "10",
            ["Bridge:Store:Retention:BatchPause"] = "00:00:00",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddBridgeStore();
        var host = builder.Build();
        await host.StartAsync(Ct);
        return host;
    }

    /// <summary>An accepted event of <paramref name="topic"/>, its attempt and its delivery, <paramref name="days"/> old, <paramref name="count"/> times.</summary>
    private async Task SeedTrailAsync(string topic, int days, int count)
    {
        var at = Now.AddDays(-days);
        await using var db = Store.CreateContext(_connectionString);
        for (var i = 0; i < count; i++)
        {
            var id = $"m-{_next++}";
            db.Events.Add(new AuditedEvent
            {
                MessageId = id,
                Topic = topic,
                Type = "thing.happened",
                Source = "/tests",
                CorrelationId = "c-" + id,
                Time = at,
                AcceptedAt = at,
                SizeBytes = 100,
            });
            db.DeliveryAttempts.Add(new DeliveryAttempt
            {
                Topic = topic,
                Subscription = "erp",
                MessageId = id,
                CorrelationId = "c-" + id,
                Attempt = 1,
                StartedAt = at,
                DurationMs = 3,
                StatusCode = 200,
                Outcome = AttemptOutcome.Delivered,
            });
            db.Deliveries.Add(new DeliveryRecord
            {
                Topic = topic,
                Subscription = "erp",
                MessageId = id,
                CorrelationId = "c-" + id,
                Status = DeliveryStatus.Delivered,
                Attempts = 1,
                FirstAttemptAt = at,
                LastAttemptAt = at,
                CompletedAt = at,
                LastStatusCode = 200,
            });
        }
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>"topic:count" per topic of <paramref name="table"/>, by topic.</summary>
    private async Task<string[]> CountByTopicAsync(string table) =>
        [.. (await Store.QueryAsync(_connectionString, $"SELECT \"Topic\", COUNT(*) FROM {table} GROUP BY \"Topic\" ORDER BY \"Topic\""))
            .Select(r => $"{r[0]}:{Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture)}")];
}

public sealed class SqliteRetentionTests() : RetentionBehaviour(new SqliteStore());

public sealed class PostgreSqlRetentionTests() : RetentionBehaviour(new PostgreSqlStore());
