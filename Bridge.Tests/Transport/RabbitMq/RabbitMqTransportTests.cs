using System.Globalization;
using Bridge.Tests.Support;
using Bridge.Transport.RabbitMQ;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Transport.RabbitMq;

/// <summary>The transport behaviour against a real rabbitmq-server; each test gets its own name prefix (its own exchanges and queues).</summary>
public sealed partial class RabbitMqTransportTests : TransportBehaviour
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    protected override int MaxMessageBytes => 64 * 1024;

    /// <summary>The broker returns what a closed channel held at once, without waiting for Bridge's lock to expire.</summary>
    protected override bool HeldMessagesWaitForLockExpiryAfterRestart => false;

    [Fact]
    public async Task An_ordered_subscription_is_consumed_by_one_instance_at_a_time_and_a_standby_takes_over_in_order()
    {
        var topic = UniqueName("owned");
        var spec = Subscription(topic, "strict") with { Ordered = true };
        var address = await ProvisionAsync(topic, spec);
        await PublishAsync(topic, NewEnvelope("k1", orderingKey: "k"), NewEnvelope("k2", orderingKey: "k"), NewEnvelope("u1"));
        var active = Transport.Receivers.CreateReceiver(address);
        Assert.Equal(["k1", "u1"], Ids(await ReceiveAtLeastAsync(active, 2)));

        // A second instance has its own connection, as another process would.
        var standby = await StartTransportAsync();
        try
        {
            await standby.Provisioner.ProvisionAsync([new TopicSpec(topic, [spec])], Ct);
            await using var waiting = standby.Receivers.CreateReceiver(address);
            await AssertNothingReceivedAsync(waiting);

            await Transport.DisposeAsync(); // the active instance goes away holding k1 and u1
            await active.DisposeAsync();

            var takeover = await ReceiveAtLeastAsync(waiting, 2);
            Assert.Equal(["k1", "u1"], Ids(takeover).Order(StringComparer.Ordinal));
            Assert.All(takeover, m => Assert.Equal(2, m.DeliveryCount));
            await AssertNothingReceivedAsync(waiting); // k2 waits behind k1
            await waiting.CompleteAsync(takeover.Single(m => m.Envelope.Id == "k1"), Ct);
            var k2 = await ReceiveOneAsync(waiting);
            Assert.Equal("k2", k2.Envelope.Id);
        }
        finally
        {
            await standby.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_dead_letter_queue_is_a_quorum_queue_like_its_subscription_queue()
    {
        var topic = UniqueName("dlq");
        var address = await ProvisionAsync(topic, Subscription(topic, "quorum"));
        var server = await SharedRabbitMq.GetAsync();
        await using var connection = await server.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();

        // Redeclaring an existing queue with another type is refused by the broker: proof of the type it has.
        var refused = await Assert.ThrowsAsync<global::RabbitMQ.Client.Exceptions.OperationInterruptedException>(() =>
            channel.QueueDeclareAsync(DeadLetterQueue(address), durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "classic" }));
        Assert.Equal(global::RabbitMQ.Client.Constants.PreconditionFailed, (int?)refused.ShutdownReason?.ReplyCode);
    }

    [Fact]
    public async Task A_classic_dead_letter_queue_left_by_an_older_version_is_kept_and_still_takes_dead_letters()
    {
        var topic = UniqueName("dlq");
        var spec = Subscription(topic, "legacy");
        var address = new SubscriptionAddress(topic, "legacy");
        var server = await SharedRabbitMq.GetAsync();
        await using (var connection = await server.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(DeadLetterQueue(address), durable: true, exclusive: false, autoDelete: false);
        }

        await ProvisionAsync(topic, spec);
        await PublishAsync(topic, NewEnvelope("poison"));
        await using var receiver = Transport.Receivers.CreateReceiver(address);
        var message = await ReceiveOneAsync(receiver);
        await receiver.DeadLetterAsync(message, "WebhookRejected", "kept classic queue", Ct);

        var deadLetters = await Transport.DeadLetters.ListAsync(address, 0, 10, Ct);
        Assert.Equal("poison", Assert.Single(deadLetters).Envelope.Id);
    }

    private string DeadLetterQueue(SubscriptionAddress address) => $"{_prefix}.{address.Topic}.{address.Subscription}.dead-letter";

    protected override async Task<TransportUnderTest> StartTransportAsync()
    {
        var server = await SharedRabbitMq.GetAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:messaging"] = server.ConnectionString,
                [$"{RabbitMqTransportOptions.SectionName}:Prefix"] = _prefix,
                [$"{RabbitMqTransportOptions.SectionName}:MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
                [$"{RabbitMqTransportOptions.SectionName}:PollInterval"] = "00:00:00.020",
                [$"{RabbitMqTransportOptions.SectionName}:MaxRetryDelayHeld"] = _maxRetryDelayHeld,
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
            provider.GetRequiredService<ISubscriptionBacklog>(),
            provider.DisposeAsync);
    }
}
