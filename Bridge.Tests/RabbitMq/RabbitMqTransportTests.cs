using System.Globalization;
using Bridge.Tests.Infrastructure;
using Bridge.Tests.Transport;
using Bridge.Transport.RabbitMQ;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.RabbitMq;

/// <summary>The transport behaviour against a real rabbitmq-server; each test gets its own name prefix (its own exchanges and queues).</summary>
public sealed class RabbitMqTransportTests : TransportBehaviour
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    protected override int MaxMessageBytes => 64 * 1024;

    /// <summary>The broker returns what a closed channel held at once, without waiting for Bridge's lock to expire.</summary>
    protected override bool HeldMessagesWaitForLockExpiryAfterRestart => false;

    protected override async Task<TransportUnderTest> StartTransportAsync()
    {
        var server = await RabbitMqServer.GetAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:messaging"] = server.ConnectionString,
                [$"{RabbitMqTransportOptions.SectionName}:Prefix"] = _prefix,
                [$"{RabbitMqTransportOptions.SectionName}:MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
                [$"{RabbitMqTransportOptions.SectionName}:PollInterval"] = "00:00:00.020",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddRabbitMqTransport(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        return new TransportUnderTest(
            provider.GetRequiredService<ITopicPublisher>(),
            provider.GetRequiredService<ISubscriptionReceiverFactory>(),
            provider.GetRequiredService<ITopologyProvisioner>(),
            provider.GetRequiredService<IDeadLetterQueue>(),
            provider.DisposeAsync);
    }
}
