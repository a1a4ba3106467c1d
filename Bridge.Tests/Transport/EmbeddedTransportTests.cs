using System.Globalization;
using Bridge.Transport.Embedded;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Transport;

/// <summary>The transport behaviour against the embedded SQLite broker, one fresh broker file per test.</summary>
public sealed class EmbeddedTransportTests : TransportBehaviour
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bridge-embedded-tests", Guid.NewGuid().ToString("N"));

    protected override int MaxMessageBytes => 64 * 1024;

    [Fact]
    public async Task A_delayed_abandon_is_stored_with_its_due_time_and_survives_a_restart()
    {
        var topic = UniqueName("later");
        var spec = Subscription(topic, "retry");
        var address = await ProvisionAsync(topic, spec);
        await PublishAsync(topic, NewEnvelope("m1"));
        var delay = TimeSpan.FromSeconds(2);
        var abandoned = System.Diagnostics.Stopwatch.StartNew();
        await using (var receiver = Transport.Receivers.CreateReceiver(address))
        {
            var first = await ReceiveOneAsync(receiver);
            abandoned.Restart();
            await receiver.AbandonAsync(first, delay, Ct);
        }

        // The due time is in the broker file, not in the process: a new process waits it out too.
        await RestartAsync();
        await ProvisionAsync(topic, spec);
        await using var restarted = Transport.Receivers.CreateReceiver(address);
        var again = await ReceiveOneAsync(restarted);
        Assert.True(abandoned.Elapsed >= delay - TimingTolerance, $"Back {abandoned.ElapsedMilliseconds} ms after an abandon delayed by {delay.TotalMilliseconds} ms.");
        Assert.Equal(("m1", 2), (again.Envelope.Id, again.DeliveryCount));
        await restarted.CompleteAsync(again, Ct);
    }

    protected override Task<TransportUnderTest> StartTransportAsync()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "broker.db") }.ToString();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{EmbeddedTransportOptions.SectionName}:ConnectionString"] = connectionString,
                [$"{EmbeddedTransportOptions.SectionName}:MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddEmbeddedTransport(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        return Task.FromResult(new TransportUnderTest(
            provider.GetRequiredService<ITopicPublisher>(),
            provider.GetRequiredService<ISubscriptionReceiverFactory>(),
            provider.GetRequiredService<ITopologyProvisioner>(),
            provider.GetRequiredService<IDeadLetterQueue>(),
            provider.GetRequiredService<ISubscriptionBacklog>(),
            provider.DisposeAsync));
    }

    protected override ValueTask CreateStorageAsync()
    {
        Directory.CreateDirectory(_directory);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask DeleteStorageAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
