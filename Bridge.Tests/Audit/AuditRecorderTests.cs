using Bridge.Store;
using Bridge.Store.Attempts;
using Bridge.Store.Audit;
using Bridge.Store.DeadLetters;
using Bridge.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Audit;

/// <summary>The audit recorder on a real SQLite file, as two processes sharing one store would run it.</summary>
public sealed class AuditRecorderTests : IDisposable
{
    private readonly TestDirectory _data = new();
    private readonly LogLines _logs = new();

    private string Database => Path.Combine(_data.Path, "bridge.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_recorders_updating_the_same_deliveries_at_once_leave_one_row_each_with_every_attempt_counted()
    {
        using (var migrate = Store())
        {
            await migrate.StartAsync(Ct);
            await migrate.StopAsync(Ct);
        }

        using var a = Store();
        using var b = Store();
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
        for (var waited = 0; Scalar("SELECT COUNT(*) FROM delivery_attempts") is not 100L && waited < 100; waited++)
        {
            await Task.Delay(100, Ct);
        }
        await Task.WhenAll(a.StopAsync(Ct), b.StopAsync(Ct));

        Assert.Equal(100L, Scalar("SELECT COUNT(*) FROM delivery_attempts"));
        Assert.Equal(50L, Scalar("SELECT COUNT(*) FROM deliveries"));
        Assert.Equal(50L, Scalar("SELECT COUNT(*) FROM deliveries WHERE Attempts = 2"));
        Assert.Equal(49L, Scalar("SELECT COUNT(*) FROM deliveries WHERE Status = 'Failing' AND LastStatusCode = 400"));
        Assert.Equal("DeadLettered", Scalar("SELECT Status FROM deliveries WHERE MessageId = 'm-7'"));
        Assert.Equal(start.AddSeconds(1).ToUnixTimeMilliseconds(), Scalar("SELECT LastAttemptAt FROM deliveries WHERE MessageId = 'm-7'"));
        Assert.Equal(start.ToUnixTimeMilliseconds(), Scalar("SELECT MIN(FirstAttemptAt) FROM deliveries"));
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM dead_letters WHERE State = 'Open'"));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("could not be written", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_late_record_of_an_earlier_attempt_does_not_undo_the_later_outcome()
    {
        using var host = Store();
        var recorder = host.Services.GetRequiredService<AuditRecorder>();
        var start = DateTimeOffset.UtcNow;
        recorder.RecordAttempt(Attempt("m-1", 2, start.AddSeconds(1), AttemptOutcome.Delivered));
        recorder.RecordAttempt(Attempt("m-1", 1, start, AttemptOutcome.Failed)); // written by a slower process

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        Assert.Equal("Delivered", Scalar("SELECT Status FROM deliveries WHERE MessageId = 'm-1'"));
        Assert.Equal(2L, Scalar("SELECT Attempts FROM deliveries WHERE MessageId = 'm-1'"));
        Assert.Equal(start.ToUnixTimeMilliseconds(), Scalar("SELECT FirstAttemptAt FROM deliveries WHERE MessageId = 'm-1'"));
        Assert.Equal(200L, Scalar("SELECT LastStatusCode FROM deliveries WHERE MessageId = 'm-1'"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    private IHost Store()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:bridgedb"] = $"Data Source={Database}" });
        builder.AddBridgeStore();
        builder.Logging.AddProvider(_logs);
        return builder.Build();
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

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

    private static DeadLetterRecord DeadLetter(string messageId, DateTimeOffset at) => new()
    {
        Topic = "orders",
        Subscription = "erp",
        MessageId = messageId,
        CorrelationId = "c-" + messageId,
        Type = "order.created",
        Reason = "WebhookRejected",
        Description = "HTTP 400",
        DeliveryCount = 2,
        DeadLetteredAt = at,
        State = DeadLetterState.Open,
    };
}

/// <summary>Collects log lines as "Level: message".</summary>
internal sealed class LogLines : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
