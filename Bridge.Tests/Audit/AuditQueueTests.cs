using System.Diagnostics;
using Bridge.Store;
using Bridge.Store.Attempts;
using Bridge.Store.Audit;
using Bridge.Tests.Store;
using Bridge.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Bridge.Tests.Support.StoreRecords;

namespace Bridge.Tests.Audit;

/// <summary>The audit queue's bound: callers are paced to the writer once it is full, never for longer than allowed, and nothing queued is dropped.</summary>
public sealed class AuditQueueTests : IAsyncLifetime
{
    private readonly SqliteStore _store = new();
    private string _connectionString = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await _store.CreateDatabaseAsync();

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_full_queue_holds_callers_until_the_writer_has_written_and_keeps_every_record()
    {
        using var host = Recorder(capacity: 100, maxWait: TimeSpan.FromMinutes(1));
        var recorder = host.Services.GetRequiredService<AuditRecorder>();
        for (var i = 0; i < 99; i++)
        {
            recorder.RecordAttempt(Attempt(i));
        }
        Assert.True(recorder.WhenRoomAsync(Ct).IsCompleted, "A queue below its capacity must not hold anyone.");

        recorder.RecordAttempt(Attempt(99));
        recorder.RecordAttempt(Attempt(100));
        var waiting = recorder.WhenRoomAsync(Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(waiting.IsCompleted, "A full queue must hold the caller while no writer runs.");
        Assert.Equal(101, recorder.Queued);

        await host.StartAsync(Ct); // the writer starts and empties the queue
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await host.StopAsync(Ct);

        Assert.Equal(0, recorder.Queued);
        Assert.Equal(101L, (await _store.QueryAsync(_connectionString, "SELECT COUNT(*) FROM delivery_attempts")).Single()[0]);
    }

    [Fact]
    public async Task A_caller_waits_for_room_no_longer_than_the_maximum_wait()
    {
        using var host = Recorder(capacity: 100, maxWait: TimeSpan.FromMilliseconds(400));
        var recorder = host.Services.GetRequiredService<AuditRecorder>();
        for (var i = 0; i < 150; i++)
        {
            recorder.RecordAttempt(Attempt(i));
        }

        var clock = Stopwatch.StartNew();
        await recorder.WhenRoomAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(10));
        Assert.Equal(150, recorder.Queued); // still queued, to be written when the writer runs
    }

    [Fact]
    public async Task A_dead_letter_recorded_for_settling_completes_only_once_its_row_is_in_the_store()
    {
        using var host = Recorder(capacity: 100, maxWait: TimeSpan.FromSeconds(1));
        var recorder = host.Services.GetRequiredService<AuditRecorder>();

        var recording = recorder.RecordDeadLetterAsync(DeadLetter("m-dead"), Ct);
        await Task.Delay(300, Ct);
        Assert.False(recording.IsCompleted, "Settling must wait while the dead letter is only queued.");

        await host.StartAsync(Ct);
        Assert.True(await recording.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        // Completed means committed: the row is readable at once, before the writer is stopped.
        Assert.Equal(1L, (await _store.QueryAsync(_connectionString, "SELECT COUNT(*) FROM dead_letters WHERE \"MessageId\" = 'm-dead'")).Single()[0]);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_dead_letter_whose_write_does_not_finish_in_time_lets_settling_go_on_and_stays_queued()
    {
        using var host = Recorder(capacity: 100, maxWait: TimeSpan.FromSeconds(1), ("Bridge:Store:Audit:DeadLetterWait", "00:00:00.300"));
        var recorder = host.Services.GetRequiredService<AuditRecorder>();

        var clock = Stopwatch.StartNew();
        Assert.False(await recorder.RecordDeadLetterAsync(DeadLetter("m-late"), Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.Equal(1, recorder.Queued);
    }

    [Theory]
    [InlineData("Bridge:Store:Audit:QueueCapacity", "10", "QueueCapacity")]
    [InlineData("Bridge:Store:Audit:MaxQueueWait", "00:05:00", "MaxQueueWait")]
    [InlineData("Bridge:Store:Audit:DeadLetterWait", "00:10:00", "DeadLetterWait")]
    [InlineData("Bridge:Store:Audit:FlushInterval", "00:00:06", "FlushInterval")]
    [InlineData("Bridge:Store:Audit:FlushInterval", "-00:00:01", "FlushInterval")]
    public async Task Settings_out_of_range_stop_the_start_naming_the_setting(string key, string value, string named)
    {
        using var host = Recorder(capacity: 100, maxWait: TimeSpan.FromSeconds(1), (key, value));

        var failure = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    private IHost Recorder(int capacity, TimeSpan maxWait, params (string Key, string Value)[] overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        var settings = new Dictionary<string, string?>
        {
            ["Bridge:Store:Provider"] = _store.Provider.Name,
            ["ConnectionStrings:bridgedb"] = _connectionString,
            ["Bridge:Store:Audit:QueueCapacity"] = capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bridge:Store:Audit:MaxQueueWait"] = maxWait.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddBridgeStore();
        return builder.Build();
    }

    private static DeliveryAttempt Attempt(int i) => new()
    {
        Topic = "orders",
        Subscription = "erp",
        MessageId = $"m-{i}",
        CorrelationId = $"c-{i}",
        Attempt = 1,
        StartedAt = DateTimeOffset.UtcNow,
        DurationMs = 3,
        StatusCode = 204,
        Outcome = AttemptOutcome.Delivered,
    };
}
