using System.Diagnostics;
using Bridge.Tests.Support;
using Bridge.Transport.RabbitMQ;
using RabbitMQ.Client.Exceptions;

namespace Bridge.Tests.Transport.RabbitMq;

/// <summary>
/// Retry delays longer than <see cref="RabbitMqTransportOptions.MaxRetryDelayHeld"/> (1 s here instead of a minute):
/// an unkeyed message leaves the subscription's queue for a delay queue, so nothing stays unacknowledged for the broker's
/// <c>consumer_timeout</c> to close the channel over, and its retry survives a restart; a keyed one stays in the process.
/// </summary>
public sealed partial class RabbitMqTransportTests
{
    private string? _maxRetryDelayHeld;

    [Fact]
    public async Task A_long_retry_delay_waits_in_a_delay_queue_not_unacknowledged_and_comes_back_after_a_restart_with_its_count()
    {
        _maxRetryDelayHeld = "00:00:01";
        await RestartAsync();
        var topic = UniqueName("later");
        var spec = Subscription(topic, "retry");
        var address = await ProvisionAsync(topic, spec);
        var sent = NewEnvelope("m1");
        await PublishAsync(topic, sent);
        var receiver = Transport.Receivers.CreateReceiver(address);
        var first = await ReceiveOneAsync(receiver);
        Assert.Equal(1, first.DeliveryCount);

        var delay = TimeSpan.FromSeconds(3);
        var abandoned = Stopwatch.StartNew();
        await receiver.AbandonAsync(first, delay, Ct);

        // The bridge goes away at once: a message it still held would be back in the queue now. It is in the delay queue.
        await receiver.DisposeAsync();
        await RestartAsync();
        await ProvisionAsync(topic, spec); // as every bridge does at start
        var queue = $"{_prefix}.{address.Topic}.{address.Subscription}";
        var delayQueue = $"{queue}.delay.{RabbitMqScheduler.Bucket(delay)}";
        Assert.Equal(0u, await ReadyAsync(queue));
        Assert.Equal(1u, await ReadyAsync(delayQueue));

        await using var restarted = Transport.Receivers.CreateReceiver(address);
        var again = await ReceiveOneAsync(restarted);
        Assert.True(abandoned.Elapsed >= delay - TimingTolerance, $"Back {abandoned.ElapsedMilliseconds} ms after an abandon delayed by {delay.TotalMilliseconds} ms.");
        Assert.Equal(2, again.DeliveryCount);
        AssertSameEnvelope(sent, again.Envelope);

        // Each trip through a delay queue carries the count on, and a release gives its delivery back.
        await restarted.AbandonAsync(again, TimeSpan.FromSeconds(1.5), Ct);
        var third = await ReceiveOneAsync(restarted);
        Assert.Equal(3, third.DeliveryCount);
        await restarted.ReleaseAsync(third, TimeSpan.FromSeconds(1.5), Ct);
        var released = await ReceiveOneAsync(restarted);
        Assert.Equal(3, released.DeliveryCount);
        await restarted.CompleteAsync(released, Ct);
        await AssertNothingReceivedAsync(restarted);
        Assert.Equal(0u, await ReadyAsync(queue));
    }

    [Fact]
    public async Task A_long_retry_delay_of_a_keyed_message_waits_in_the_process_with_its_successors_behind_it()
    {
        _maxRetryDelayHeld = "00:00:01";
        await RestartAsync();
        var topic = UniqueName("keyed");
        var address = await ProvisionAsync(topic, Subscription(topic, "retry"));
        await PublishAsync(topic, NewEnvelope("k1", orderingKey: "k"), NewEnvelope("k2", orderingKey: "k"));
        await using var receiver = Transport.Receivers.CreateReceiver(address);
        var k1 = await ReceiveOneAsync(receiver, maxMessages: 10);
        Assert.Equal("k1", k1.Envelope.Id);

        var delay = TimeSpan.FromSeconds(2);
        var abandoned = Stopwatch.StartNew();
        await receiver.AbandonAsync(k1, delay, Ct);
        await AssertNothingReceivedAsync(receiver); // k2 waits behind k1
        Assert.Null(await ReadyAsync($"{_prefix}.{address.Topic}.{address.Subscription}.delay.{RabbitMqScheduler.Bucket(delay)}"));

        var again = await ReceiveOneAsync(receiver, maxMessages: 10);
        Assert.Equal(("k1", 2), (again.Envelope.Id, again.DeliveryCount));
        Assert.True(abandoned.Elapsed >= delay - TimingTolerance, $"k1 came back {abandoned.ElapsedMilliseconds} ms after an abandon delayed by {delay.TotalMilliseconds} ms.");
        await receiver.CompleteAsync(again, Ct);
        Assert.Equal("k2", (await ReceiveOneAsync(receiver, maxMessages: 10)).Envelope.Id);
    }

    /// <summary>The ready messages of a queue (unacknowledged ones are not counted), or null when it does not exist.</summary>
    private static async Task<uint?> ReadyAsync(string queue)
    {
        var server = await SharedRabbitMq.GetAsync();
        await using var connection = await server.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == global::RabbitMQ.Client.Constants.NotFound)
        {
            return null;
        }
    }
}
