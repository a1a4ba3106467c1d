using System.Text.Json;
using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Transport.Embedded;

/// <summary>Stores topics and subscriptions (with their filters and limits) in the broker file, and removes subscriptions. Idempotent.</summary>
internal sealed class EmbeddedProvisioner(EmbeddedDatabase database) : ITopologyProvisioner
{
    public async Task ProvisionAsync(IReadOnlyCollection<TopicSpec> topics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        await database.Writer.ExecuteAsync(write =>
        {
            var topic = write.Command("INSERT INTO topics (name) VALUES ($name) ON CONFLICT (name) DO NOTHING");
            var topicName = topic.Parameters.Add("$name", Microsoft.Data.Sqlite.SqliteType.Text);
            var subscription = write.Command("""
                INSERT INTO subscriptions (topic, name, filter, max_delivery_count, lock_duration_ms)
                VALUES ($topic, $name, $filter, $max, $lock)
                ON CONFLICT (topic, name) DO UPDATE SET filter = excluded.filter,
                    max_delivery_count = excluded.max_delivery_count, lock_duration_ms = excluded.lock_duration_ms
                """);
            foreach (var spec in topics)
            {
                topicName.Value = spec.Name;
                topic.ExecuteNonQuery();
                foreach (var sub in spec.Subscriptions)
                {
                    subscription.Parameters.Clear();
                    subscription.Parameters.AddWithValue("$topic", sub.Address.Topic);
                    subscription.Parameters.AddWithValue("$name", sub.Address.Subscription);
                    subscription.Parameters.AddWithValue("$filter", JsonSerializer.Serialize(sub.Filter));
                    subscription.Parameters.AddWithValue("$max", sub.MaxDeliveryCount);
                    subscription.Parameters.AddWithValue("$lock", (long)sub.LockDuration.TotalMilliseconds);
                    subscription.ExecuteNonQuery();
                }
            }
            return 0;
        }).WaitAsync(cancellationToken);
        database.ReloadTopology();
    }

    public async Task RemoveSubscriptionAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        var queue = EmbeddedDatabase.QueueName(address);
        await database.Writer.ExecuteAsync(write =>
        {
            var subscription = write.Command("DELETE FROM subscriptions WHERE topic = $topic AND name = $name");
            subscription.Parameters.AddWithValue("$topic", address.Topic);
            subscription.Parameters.AddWithValue("$name", address.Subscription);
            subscription.ExecuteNonQuery();
            foreach (var table in new[] { "messages", "dead_letters" })
            {
                var rows = write.Command($"DELETE FROM {table} WHERE queue = $queue");
                rows.Parameters.AddWithValue("$queue", queue);
                rows.ExecuteNonQuery();
            }
            return 0;
        }).WaitAsync(cancellationToken);
        database.ReloadTopology();
        database.Pulse(queue); // a receiver still waiting on it looks again and finds nothing
    }
}
