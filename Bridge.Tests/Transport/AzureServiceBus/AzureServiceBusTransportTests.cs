using System.Globalization;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Bridge.Transport.AzureServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Transport.AzureServiceBus;

/// <summary>
/// The transport conformance suite against Azure Service Bus (a namespace or the emulator named by
/// <c>ConnectionStrings__messaging</c>). Each test uses its own topic names, and the topics are deleted afterwards.
/// </summary>
public sealed class AzureServiceBusTransportTests : TransportBehaviour
{
    private readonly List<string> _topics = [];

    protected override int MaxMessageBytes => 64 * 1024;

    /// <summary>Service Bus returns a session's messages when its receiver closes.</summary>
    protected override bool HeldMessagesWaitForLockExpiryAfterRestart => false;

    /// <summary>The shortest lock Service Bus grants.</summary>
    protected override TimeSpan ShortLockDuration => TimeSpan.FromSeconds(5);

    /// <summary>A cloud broker: allow for the network.</summary>
    protected override TimeSpan QuietPeriod => TimeSpan.FromSeconds(2);

    protected override TimeSpan ArrivalTimeout => TimeSpan.FromSeconds(30);

    protected override TimeSpan TimingTolerance => TimeSpan.FromMilliseconds(500);

    protected override ValueTask CreateStorageAsync()
    {
        ServiceBusNamespace.Require();
        return ValueTask.CompletedTask;
    }

    protected override Task<TransportUnderTest> StartTransportAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{AzureServiceBusTransportOptions.SectionName}:ConnectionString"] = ServiceBusNamespace.Require(),
                [$"{AzureServiceBusTransportOptions.SectionName}:MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddAzureServiceBusTransport(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var provisioner = new RecordingProvisioner(provider.GetRequiredService<ITopologyProvisioner>(), _topics);

        return Task.FromResult(new TransportUnderTest(
            provider.GetRequiredService<ITopicPublisher>(),
            provider.GetRequiredService<ISubscriptionReceiverFactory>(),
            provisioner,
            provider.GetRequiredService<IDeadLetterQueue>(),
            provider.GetRequiredService<ISubscriptionBacklog>(),
            provider.DisposeAsync));
    }

    protected override async ValueTask DeleteStorageAsync()
    {
        if (ServiceBusNamespace.ConnectionString is not { } connection || _topics.Count == 0)
        {
            return;
        }

        var admin = new ServiceBusAdministrationClient(connection);
        foreach (var topic in _topics.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await admin.DeleteTopicAsync(topic, CancellationToken.None);
            }
            catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessagingEntityNotFound)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Remembers the topics a test provisions, so they can be deleted after it.</summary>
    private sealed class RecordingProvisioner(ITopologyProvisioner inner, List<string> topics) : ITopologyProvisioner
    {
        public Task ProvisionAsync(IReadOnlyCollection<TopicSpec> specs, CancellationToken cancellationToken)
        {
            lock (topics)
            {
                topics.AddRange(specs.Select(t => t.Name));
            }

            return inner.ProvisionAsync(specs, cancellationToken);
        }

        public Task RemoveSubscriptionAsync(SubscriptionAddress address, CancellationToken cancellationToken) =>
            inner.RemoveSubscriptionAsync(address, cancellationToken);
    }
}
