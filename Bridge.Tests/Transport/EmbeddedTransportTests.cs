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
