using Bridge.Testing;

namespace Bridge.Chaos.Reporting;

/// <summary>
/// The message ids in the subscription's RabbitMQ dead-letter queue, read from the broker itself: every message is
/// taken unacknowledged, its id noted, and all go back to the queue when the channel closes. The store's dead letters
/// and these should name the same envelopes; one only in the queue is dead-lettered but unknown to the store.
/// </summary>
internal static class BrokerDeadLetters
{
    private const string Queue = "bridge." + Deployment.SplitDeployment.Topic + "." + Deployment.SplitDeployment.Subscription + ".dead-letter";

    public static async Task<IReadOnlyList<string>> ReadAsync(RabbitMqServer rabbitMq)
    {
        await using var connection = await rabbitMq.ConnectAsync();
        var ids = new List<string>();
        await using (var channel = await connection.CreateChannelAsync())
        {
            while (await channel.BasicGetAsync(Queue, autoAck: false) is { } message)
            {
                ids.Add(message.BasicProperties.MessageId ?? $"(no id, delivery tag {message.DeliveryTag})");
            }
            await channel.CloseAsync(200, "read", false, CancellationToken.None); // every message taken goes back, unacknowledged
        }
        return ids;
    }

    /// <summary>How many messages the dead-letter queue holds, or 0 while the broker cannot be asked (a restart).</summary>
    public static async Task<int> TryCountAsync(RabbitMqServer rabbitMq)
    {
        try
        {
            await using var connection = await rabbitMq.ConnectAsync();
            await using var channel = await connection.CreateChannelAsync();
            return (int)(await channel.QueueDeclarePassiveAsync(Queue)).MessageCount;
        }
#pragma warning disable CA1031 // Counting is best effort while the broker restarts; the final tally reads the queue again.
        catch (Exception)
#pragma warning restore CA1031
        {
            return 0;
        }
    }
}
