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

namespace Bridge.Tests.Store;

/// <summary>What the store does when its PostgreSQL server cannot be reached (a loopback port where nothing listens).</summary>
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
    public async Task Attempts_that_cannot_be_written_are_logged_as_lost_and_recording_goes_on()
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
        await LoggedAsync("1 audit records could not be written: attempt orders/erp m-1#1 (correlation c-1)");
        recorder.RecordAttempt(Attempt("m-2"));
        await LoggedAsync("1 audit records could not be written: attempt orders/erp m-2#1 (correlation c-1)");

        Assert.Equal(4, logs.Lines.Count(l => l.StartsWith("Warning: Writing 1 audit records failed", StringComparison.Ordinal)));
        Assert.False(recorder.ExecuteTask!.IsCompleted, "The recorder must keep running while the database is down.");
        await recorder.StopAsync(Ct);

        async Task LoggedAsync(string line)
        {
            var deadline = Stopwatch.StartNew();
            while (!logs.Lines.Contains("Error: " + line))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"Not logged: {line}\n{string.Join('\n', logs.Lines)}");
                await Task.Delay(50, Ct);
            }
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
