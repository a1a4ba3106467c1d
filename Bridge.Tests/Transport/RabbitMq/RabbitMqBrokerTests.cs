using Bridge.Tests.Support;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Bridge.Tests.Transport.RabbitMq;

/// <summary>
/// Pins the behaviours of the real broker (rabbitmq-server 3.10, quorum queues) that the RabbitMQ transport's
/// peek-lock mapping relies on. If an upgrade changes one of them, this fails before the transport misbehaves.
/// </summary>
public sealed class RabbitMqBrokerTests
{
    private static readonly CreateChannelOptions Confirms = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    [Fact]
    public async Task A_quorum_queue_counts_every_return_in_x_delivery_count()
    {
        var server = await SharedRabbitMq.GetAsync();
        await using var connection = await server.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(Confirms);
        var queue = await DeclareQuorumQueueAsync(channel, new Dictionary<string, object?>());
        await channel.BasicPublishAsync("", queue, true, new BasicProperties { Persistent = true }, "hello"u8.ToArray());

        var first = await WaitForMessageAsync(channel, queue, autoAck: false);
        await channel.BasicNackAsync(first.DeliveryTag, multiple: false, requeue: true);
        var second = await WaitForMessageAsync(channel, queue, autoAck: false);

        Assert.Equal(0L, DeliveryCount(first) ?? 0);
        Assert.Equal(1L, DeliveryCount(second));
        Assert.True(second.Redelivered);

        await using (var crashing = await connection.CreateChannelAsync())
        {
            await channel.BasicNackAsync(second.DeliveryTag, false, true);
            var held = await WaitForMessageAsync(crashing, queue, autoAck: false);
            Assert.Equal(2L, DeliveryCount(held));
            await crashing.CloseAsync(); // a consumer that goes away returns what it held
        }

        var third = await WaitForMessageAsync(channel, queue, autoAck: false);
        Assert.Equal(3L, DeliveryCount(third));
        await channel.BasicAckAsync(third.DeliveryTag, false);
    }

    [Fact]
    public async Task Past_the_delivery_limit_a_quorum_queue_dead_letters_with_reason_delivery_limit()
    {
        var server = await SharedRabbitMq.GetAsync();
        await using var connection = await server.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(Confirms);
        var deadLetters = await DeclareQuorumQueueAsync(channel, new Dictionary<string, object?>());
        var queue = await DeclareQuorumQueueAsync(channel, new Dictionary<string, object?>
        {
            ["x-delivery-limit"] = 2,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = deadLetters,
        });
        await channel.BasicPublishAsync("", queue, true, new BasicProperties { Persistent = true }, "poison"u8.ToArray());

        var deliveries = 0;
        while (deliveries < 10 && await TryGetAsync(channel, queue, TimeSpan.FromSeconds(1)) is { } got)
        {
            deliveries++;
            await channel.BasicNackAsync(got.DeliveryTag, false, true);
        }

        Assert.Equal(3, deliveries); // limit 2 = up to 3 deliveries
        var dead = await WaitForMessageAsync(channel, deadLetters);
        var death = Assert.IsType<List<object>>(dead.BasicProperties.Headers!["x-death"]).Cast<Dictionary<string, object>>().First();
        Assert.Equal("delivery_limit", System.Text.Encoding.UTF8.GetString((byte[])death["reason"]));
    }

    [Fact]
    public async Task With_publisher_confirms_a_publish_to_a_missing_exchange_fails_instead_of_vanishing()
    {
        var server = await SharedRabbitMq.GetAsync();
        await using var connection = await server.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(Confirms);

        await Assert.ThrowsAnyAsync<OperationInterruptedException>(async () =>
            await channel.BasicPublishAsync("bridge.no-such-exchange", "x", true, new BasicProperties { Persistent = true }, "lost?"u8.ToArray()));
    }

    private static long? DeliveryCount(BasicGetResult result) =>
        result.BasicProperties.Headers?.TryGetValue("x-delivery-count", out var value) == true ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static async Task<string> DeclareQuorumQueueAsync(IChannel channel, Dictionary<string, object?> arguments)
    {
        arguments["x-queue-type"] = "quorum";
        var name = "bridge-probe-" + Guid.NewGuid().ToString("N")[..8];
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: arguments);
        return name;
    }

    private static async Task<BasicGetResult> WaitForMessageAsync(IChannel channel, string queue, bool autoAck = true) =>
        await TryGetAsync(channel, queue, TimeSpan.FromSeconds(10), autoAck) ?? throw new TimeoutException($"Nothing arrived in {queue}.");

    /// <summary>Polls with basic.get: a quorum queue applies a return asynchronously, so the next get may briefly see nothing.</summary>
    private static async Task<BasicGetResult?> TryGetAsync(IChannel channel, string queue, TimeSpan patience, bool autoAck = false)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (await channel.BasicGetAsync(queue, autoAck) is { } result)
            {
                return result;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }
            await Task.Delay(20);
        }
    }
}
