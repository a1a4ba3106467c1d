using Microsoft.EntityFrameworkCore;

namespace Bridge.Tests.Store;

public sealed class SqliteAdoptionTests : IAsyncDisposable
{
    /// <summary>The schema EnsureCreated made before the store had migrations (SQLite was the only provider then).</summary>
    private const string EnsureCreatedSchema = """
        CREATE TABLE "delivery_attempts" (
            "Id" INTEGER NOT NULL CONSTRAINT "PK_delivery_attempts" PRIMARY KEY AUTOINCREMENT,
            "Topic" TEXT NOT NULL,
            "Subscription" TEXT NOT NULL,
            "MessageId" TEXT NOT NULL,
            "CorrelationId" TEXT NOT NULL,
            "Attempt" INTEGER NOT NULL,
            "StartedAt" INTEGER NOT NULL,
            "DurationMs" REAL NOT NULL,
            "StatusCode" INTEGER NULL,
            "Outcome" TEXT NOT NULL,
            "Error" TEXT NULL,
            "ResponseExcerpt" TEXT NULL
        );
        CREATE TABLE "replays" (
            "Id" INTEGER NOT NULL CONSTRAINT "PK_replays" PRIMARY KEY AUTOINCREMENT,
            "Topic" TEXT NOT NULL,
            "Subscription" TEXT NOT NULL,
            "MessageId" TEXT NOT NULL,
            "ReplayedAt" INTEGER NOT NULL,
            "RequestedBy" TEXT NOT NULL,
            "DeadLetterReason" TEXT NULL
        );
        CREATE INDEX "IX_delivery_attempts_CorrelationId" ON "delivery_attempts" ("CorrelationId");
        CREATE INDEX "IX_delivery_attempts_MessageId" ON "delivery_attempts" ("MessageId");
        CREATE INDEX "IX_delivery_attempts_Topic_Subscription_StartedAt" ON "delivery_attempts" ("Topic", "Subscription", "StartedAt");
        CREATE INDEX "IX_replays_MessageId" ON "replays" ("MessageId");
        """;

    private readonly SqliteStore _store = new();

    [Fact]
    public async Task A_database_created_before_migrations_is_adopted_and_upgraded_with_its_rows()
    {
        var connectionString = await _store.CreateDatabaseAsync();
        await using (var db = _store.CreateContext(connectionString))
        {
            await db.Database.ExecuteSqlRawAsync(EnsureCreatedSchema, TestContext.Current.CancellationToken);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO replays ("Topic", "Subscription", "MessageId", "ReplayedAt", "RequestedBy") VALUES ('orders', 'erp', 'm-1', 1750000000456, 'operator');
                """, TestContext.Current.CancellationToken);
        }

        Assert.Equal([1, 2, 3, 4], await _store.MigrateAsync(connectionString));

        await using var after = _store.CreateContext(connectionString);
        var replay = await after.Replays.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("m-1", "operator", null), (replay.MessageId, replay.RequestedBy, replay.JobId));
        await using var model = _store.CreateContext(connectionString);
        Assert.Empty(SchemaComparison.Differences(SchemaComparison.Expected(model.Model), await _store.ReadSchemaAsync(connectionString), _store.NormaliseType));
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
