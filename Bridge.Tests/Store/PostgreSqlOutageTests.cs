using System.Diagnostics;
using Bridge.Store;
using Bridge.Store.Attempts;
using Bridge.Store.Audit;
using Bridge.Store.Migrations;
using Bridge.Store.Providers;
using Bridge.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Bridge.Tests.Support.StoreRecords;

namespace Bridge.Tests.Store;

/// <summary>What the store does when its PostgreSQL server cannot be reached (a loopback port where nothing listens, or a real server stopped and started again).</summary>
public sealed class PostgreSqlOutageTests
{
    private static readonly string Unreachable = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=bridge;Timeout=2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_up_keeps_trying_for_the_startup_timeout_then_fails_naming_it()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bridge:Store:Provider"] = "postgresql",
            ["Bridge:Store:StartupTimeout"] = "00:00:03",
            ["ConnectionStrings:bridgedb"] = Unreachable,
        });
        builder.AddBridgeStore();
        using var host = builder.Build();
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<StoreMigrationException>(() => host.StartAsync(Ct));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        Assert.StartsWith("The store (postgresql) could not be reached within Bridge:Store:StartupTimeout (00:00:03)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_the_store_cannot_be_reached_records_wait_and_only_a_stopping_recorder_gives_them_up()
    {
        var logs = new LogLines();
        await using var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs))
            .AddDbContextFactory<BridgeDbContext>(db => StoreProviders.Resolve("postgresql").Configure(db, Unreachable))
            .AddOptions()
            .AddSingleton<AuditRecorder>()
            .BuildServiceProvider();
        var recorder = services.GetRequiredService<AuditRecorder>();
        await recorder.StartAsync(Ct);

        recorder.RecordAttempt(Attempt("m-1"));
        recorder.RecordAttempt(Attempt("m-2"));
        await WaitUntilAsync(() => logs.Lines.Any(l => l.StartsWith("Warning: The store cannot be reached", StringComparison.Ordinal)), logs);
        await Task.Delay(3000, Ct); // several failed writes: an outage spends no try

        Assert.DoesNotContain(logs.Lines, l => l.Contains("could not be written", StringComparison.Ordinal));
        Assert.Equal(2, recorder.Queued);
        Assert.False(recorder.ExecuteTask!.IsCompleted, "The recorder must keep running while the database is down.");

        await recorder.StopAsync(Ct); // stopping with the store still away: the last tries, then the loss is logged
        Assert.Contains(logs.Lines, l => l.StartsWith("Error: 2 audit records could not be written: attempt orders/erp m-1#1 (correlation c-1), attempt orders/erp m-2#1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Records_made_while_PostgreSQL_is_down_are_written_when_it_is_back_dead_letters_included()
    {
        await using var server = await PostgreSqlServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("audit_outage") + ";Timeout=2";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bridge:Store:Provider"] = "postgresql",
            ["ConnectionStrings:bridgedb"] = connectionString,
            ["Bridge:Store:Audit:DeadLetterWait"] = "00:00:01",
        });
        builder.AddBridgeStore();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var recorder = host.Services.GetRequiredService<AuditRecorder>();

        await server.StopAsync();
        recorder.RecordAttempt(Attempt("m-1"));
        recorder.RecordAttempt(Attempt("m-2"));
        Assert.False(await recorder.RecordDeadLetterAsync(DeadLetter("m-2"), Ct), "A dead letter cannot be confirmed while the store is down.");
        await Task.Delay(2000, Ct);
        await server.StartAgainAsync();

        await WaitUntilAsync(() => recorder.Queued == 0, null);
        await host.StopAsync(Ct);
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        Assert.Equal(2L, await CountAsync(connection, "delivery_attempts"));
        Assert.Equal(1L, await CountAsync(connection, "dead_letters"));
    }

    private static async Task<long> CountAsync(Npgsql.NpgsqlConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, LogLines? logs)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "Not reached in 60 s." + (logs is null ? "" : "\n" + string.Join('\n', logs.Lines)));
            await Task.Delay(50, Ct);
        }
    }

    private static DeliveryAttempt Attempt(string messageId) => new()
    {
        Topic = "orders",
        Subscription = "erp",
        MessageId = messageId,
        CorrelationId = "c-1",
        Attempt = 1,
        StartedAt = DateTimeOffset.UnixEpoch,
        Outcome = AttemptOutcome.Delivered,
    };
}
