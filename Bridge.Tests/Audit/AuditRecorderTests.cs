using Bridge.Store;
using Bridge.Store.Attempts;
using Bridge.Store.Audit;
using Bridge.Tests.Store;
using Bridge.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Bridge.Tests.Support.StoreRecords;

namespace Bridge.Tests.Audit;

/// <summary>The audit recorder on a real store, as two processes sharing it would run it; each provider runs it through a subclass.</summary>
public abstract class AuditRecorderBehaviour : IAsyncLifetime
{
    private readonly LogLines _logs = new();
    private string _connectionString = null!;

    private protected AuditRecorderBehaviour(StoreUnderTest store) => Store = store;

    private protected StoreUnderTest Store { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await Store.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Two_recorders_updating_the_same_deliveries_at_once_leave_one_row_each_with_every_attempt_counted()
    {
        using (var migrate = Recorder())
        {
            await migrate.StartAsync(Ct);
            await migrate.StopAsync(Ct);
        }

        using var a = Recorder();
        using var b = Recorder();
        var start = DateTimeOffset.UtcNow;
        foreach (var (host, offset) in new[] { (a, 0), (b, 1) })
        {
            var recorder = host.Services.GetRequiredService<AuditRecorder>();
            for (var i = 0; i < 50; i++)
            {
                recorder.RecordAttempt(Attempt($"m-{i}", offset + 1, start.AddSeconds(offset), offset == 0 ? AttemptOutcome.Failed : AttemptOutcome.Rejected));
            }
            if (offset == 1)
            {
                recorder.RecordDeadLetter(DeadLetter("m-7", start.AddSeconds(2)));
            }
        }

        // Both write their batch at once: one inserts the deliveries, the other finds them taken and writes again.
        await Task.WhenAll(a.StartAsync(Ct), b.StartAsync(Ct));
        for (var waited = 0; await ScalarAsync("SELECT COUNT(*) FROM delivery_attempts") is not 100L && waited < 100; waited++)
        {
            await Task.Delay(100, Ct);
        }
        await Task.WhenAll(a.StopAsync(Ct), b.StopAsync(Ct));

        Assert.Equal(100L, await ScalarAsync("SELECT COUNT(*) FROM delivery_attempts"));
        Assert.Equal(50L, await ScalarAsync("SELECT COUNT(*) FROM deliveries"));
        Assert.Equal(50L, await ScalarAsync("SELECT COUNT(*) FROM deliveries WHERE \"Attempts\" = 2"));
        Assert.Equal(49L, await ScalarAsync("SELECT COUNT(*) FROM deliveries WHERE \"Status\" = 'Failing' AND \"LastStatusCode\" = 400"));
        Assert.Equal("DeadLettered", await ScalarAsync("SELECT \"Status\" FROM deliveries WHERE \"MessageId\" = 'm-7'"));
        Assert.Equal(start.AddSeconds(1).ToUnixTimeMilliseconds(), await ScalarAsync("SELECT \"LastAttemptAt\" FROM deliveries WHERE \"MessageId\" = 'm-7'"));
        Assert.Equal(start.ToUnixTimeMilliseconds(), await ScalarAsync("SELECT MIN(\"FirstAttemptAt\") FROM deliveries"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM dead_letters WHERE \"State\" = 'Open'"));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("could not be written", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_late_record_of_an_earlier_attempt_does_not_undo_the_later_outcome()
    {
        using var host = Recorder();
        var recorder = host.Services.GetRequiredService<AuditRecorder>();
        var start = DateTimeOffset.UtcNow;
        recorder.RecordAttempt(Attempt("m-1", 2, start.AddSeconds(1), AttemptOutcome.Delivered));
        recorder.RecordAttempt(Attempt("m-1", 1, start, AttemptOutcome.Failed)); // written by a slower process

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        Assert.Equal("Delivered", await ScalarAsync("SELECT \"Status\" FROM deliveries WHERE \"MessageId\" = 'm-1'"));
        Assert.Equal(2L, await ScalarAsync("SELECT \"Attempts\" FROM deliveries WHERE \"MessageId\" = 'm-1'"));
        Assert.Equal(start.ToUnixTimeMilliseconds(), await ScalarAsync("SELECT \"FirstAttemptAt\" FROM deliveries WHERE \"MessageId\" = 'm-1'"));
        Assert.Equal(200L, await ScalarAsync("SELECT \"LastStatusCode\" FROM deliveries WHERE \"MessageId\" = 'm-1'"));
    }

    private IHost Recorder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bridge:Store:Provider"] = Store.Provider.Name,
            ["ConnectionStrings:bridgedb"] = _connectionString,
        });
        builder.AddBridgeStore();
        builder.Logging.AddProvider(_logs);
        return builder.Build();
    }

    /// <summary>One value; integers of either width as <see cref="long"/>.</summary>
    private async Task<object?> ScalarAsync(string sql) => (await Store.QueryAsync(_connectionString, sql)).Single()[0] switch
    {
        int value => (long)value,
        var value => value,
    };

    private static DeliveryAttempt Attempt(string messageId, int attempt, DateTimeOffset at, AttemptOutcome outcome) => new()
    {
        Topic = "orders",
        Subscription = "erp",
        MessageId = messageId,
        CorrelationId = "c-" + messageId,
        Attempt = attempt,
        StartedAt = at,
        DurationMs = 12.5,
        StatusCode = outcome switch { AttemptOutcome.Delivered => 200, AttemptOutcome.Rejected => 400, _ => 503 },
        Outcome = outcome,
        Error = outcome == AttemptOutcome.Delivered ? null : "HTTP " + (outcome == AttemptOutcome.Rejected ? 400 : 503),
    };
}

public sealed class SqliteAuditRecorderTests() : AuditRecorderBehaviour(new SqliteStore());

public sealed class PostgreSqlAuditRecorderTests() : AuditRecorderBehaviour(new PostgreSqlStore());
