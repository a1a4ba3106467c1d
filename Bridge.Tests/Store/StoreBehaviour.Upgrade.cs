using Bridge.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Tests.Store;

public abstract partial class StoreBehaviour
{
    [Fact]
    public async Task A_database_at_the_previous_version_is_upgraded_with_its_rows_intact()
    {
        Assert.Equal([1], await Store.MigrateAsync(ConnectionString, Store.Migrator([.. Store.Scripts.Take(1)])));
        await using (var db = Store.CreateContext(ConnectionString))
        {
            // Rows as the previous version wrote them (its model had no JobId).
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO delivery_attempts ("Topic", "Subscription", "MessageId", "CorrelationId", "Attempt", "StartedAt", "DurationMs", "StatusCode", "Outcome", "Error", "ResponseExcerpt")
                VALUES ('orders', 'erp', 'm-1', 'c-1', 2, 1750000000123, 12.5, 503, 'Failed', 'HTTP 503', 'down');
                INSERT INTO replays ("Topic", "Subscription", "MessageId", "ReplayedAt", "RequestedBy", "DeadLetterReason")
                VALUES ('orders', 'erp', 'm-1', 1750000000456, 'operator', 'MaxAttemptsExceeded');
                """, Ct);
        }

        Assert.Equal(AllMigrations.Skip(1).Select(m => m.Version), await Store.MigrateAsync(ConnectionString));

        await using var after = Store.CreateContext(ConnectionString);
        var attempt = await after.DeliveryAttempts.SingleAsync(Ct);
        Assert.Equal(("orders", "erp", "m-1", "c-1", 2), (attempt.Topic, attempt.Subscription, attempt.MessageId, attempt.CorrelationId, attempt.Attempt));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1750000000123), attempt.StartedAt);
        Assert.Equal((12.5, 503, AttemptOutcome.Failed, "HTTP 503", "down"), (attempt.DurationMs, attempt.StatusCode, attempt.Outcome, attempt.Error, attempt.ResponseExcerpt));
        var replay = await after.Replays.SingleAsync(Ct);
        Assert.Equal(("m-1", "operator", "MaxAttemptsExceeded"), (replay.MessageId, replay.RequestedBy, replay.DeadLetterReason));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1750000000456), replay.ReplayedAt);
        Assert.Null(replay.JobId);
        Assert.Equal(AllMigrations, await HistoryAsync());
        await AssertSchemaMatchesModelAsync();
    }

    [Fact]
    public async Task An_endpoint_row_written_at_version_2_is_kept_by_the_upgrade_with_no_mode_and_version_0()
    {
        Assert.Equal([1, 2], await Store.MigrateAsync(ConnectionString, Store.Migrator([.. Store.Scripts.Take(2)])));
        await using (var db = Store.CreateContext(ConnectionString))
        {
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO webhook_endpoints ("Topic", "Subscription", "Url", "Paused", "PausedAt", "PausedBy", "PauseReason", "UpdatedAt")
                VALUES ('orders', 'erp', 'https://hooks.example/erp', TRUE, 1750000000123, 'ops', 'maintenance', 1750000000123);
                """, Ct);
        }

        Assert.Equal(AllMigrations.Skip(2).Select(m => m.Version), await Store.MigrateAsync(ConnectionString));

        await using var after = Store.CreateContext(ConnectionString);
        var endpoint = await after.WebhookEndpoints.SingleAsync(Ct);
        Assert.Equal(("orders", "erp", true, "ops", "maintenance"), (endpoint.Topic, endpoint.Subscription, endpoint.Paused, endpoint.PausedBy, endpoint.PauseReason));
        Assert.Null(endpoint.PauseMode);
        Assert.Equal(0, endpoint.Version);
        await AssertSchemaMatchesModelAsync();
    }
}
