using Bridge.Envelopes;
using Bridge.Messaging;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.Embedded;

/// <summary>Publishes by fanning an envelope out to every matching subscription of the topic, in one transaction.</summary>
internal sealed class EmbeddedPublisher(EmbeddedDatabase database, ILogger<EmbeddedPublisher> logger) : ITopicPublisher
{
    private const string InsertSql = """
        INSERT INTO messages (queue, message_id, ordering_key, body, enqueued_at, visible_at)
        VALUES ($queue, $id, $key, $body, $now, $visible)
        """;

    public async Task PublishAsync(string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var snapshot = database.Topology;
        if (!snapshot.Topics.TryGetValue(topic, out var subscriptions))
        {
            snapshot = database.ReloadTopology();
            if (!snapshot.Topics.TryGetValue(topic, out subscriptions))
            {
                throw new TopicNotFoundException(topic);
            }
        }

        var rows = new List<Row>(messages.Count * Math.Max(1, subscriptions.Count));
        var unrouted = new List<Envelope>();
        foreach (var message in messages)
        {
            var body = EnvelopeSerializer.Serialize(message.Envelope);
            if (body.Length > database.Options.MaxMessageBytes)
            {
                throw new MessageTooLargeException(message.Envelope.Id, body.Length, database.Options.MaxMessageBytes);
            }

            var routed = 0;
            foreach (var subscription in subscriptions)
            {
                if (subscription.Filter.Matches(message.Envelope))
                {
                    routed++;
                    rows.Add(new Row(EmbeddedDatabase.QueueName(subscription.Address), message.Envelope.Id, message.Envelope.OrderingKey, body, message.ScheduledEnqueueTime?.ToUnixTimeMilliseconds()));
                }
            }

            if (routed == 0)
            {
                unrouted.Add(message.Envelope);
            }
        }

        foreach (var envelope in unrouted)
        {
            UnroutedEnvelopes.Report(logger, topic, envelope);
        }

        if (rows.Count == 0)
        {
            return;
        }

        await database.Writer.ExecuteAsync(write =>
        {
            var now = database.NowMs;
            var command = write.Command(InsertSql);
            var queue = command.Parameters.Add("$queue", Microsoft.Data.Sqlite.SqliteType.Text);
            var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
            var key = command.Parameters.Add("$key", Microsoft.Data.Sqlite.SqliteType.Text);
            var body = command.Parameters.Add("$body", Microsoft.Data.Sqlite.SqliteType.Blob);
            var visible = command.Parameters.Add("$visible", Microsoft.Data.Sqlite.SqliteType.Integer);
            command.Parameters.AddWithValue("$now", now);
            foreach (var row in rows)
            {
                queue.Value = row.Queue;
                id.Value = row.MessageId;
                key.Value = (object?)row.OrderingKey ?? DBNull.Value;
                body.Value = row.Body;
                visible.Value = row.VisibleAt is { } at && at > now ? at : now;
                command.ExecuteNonQuery();
            }
            return rows.Count;
        }).WaitAsync(cancellationToken);

        foreach (var queueName in rows.Select(r => r.Queue).Distinct(StringComparer.Ordinal))
        {
            database.Pulse(queueName);
        }
    }

    private sealed record Row(string Queue, string MessageId, string? OrderingKey, byte[] Body, long? VisibleAt);
}
