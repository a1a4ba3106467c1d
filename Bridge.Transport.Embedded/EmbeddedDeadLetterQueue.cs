using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Data.Sqlite;

namespace Bridge.Transport.Embedded;

/// <summary>Reads, resubmits and purges dead letters kept in the broker file.</summary>
internal sealed class EmbeddedDeadLetterQueue(EmbeddedDatabase database) : IDeadLetterQueue
{
    private const string Columns = "seq, message_id, body, reason, description, delivery_count, enqueued_at, dead_lettered_at";

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(SubscriptionAddress address, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenReadConnection();
        using var command = EmbeddedDatabase.Command(connection, null, $"SELECT {Columns} FROM dead_letters WHERE queue = $queue AND seq > $after ORDER BY seq LIMIT $limit");
        command.Parameters.AddWithValue("$queue", EmbeddedDatabase.QueueName(address));
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 1000));
        return await ReadAsync(command, address, cancellationToken);
    }

    public async Task<DeadLetter?> GetAsync(SubscriptionAddress address, string messageId, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenReadConnection();
        using var command = EmbeddedDatabase.Command(connection, null, $"SELECT {Columns} FROM dead_letters WHERE queue = $queue AND message_id = $id ORDER BY seq DESC LIMIT 1");
        command.Parameters.AddWithValue("$queue", EmbeddedDatabase.QueueName(address));
        command.Parameters.AddWithValue("$id", messageId);
        var found = await ReadAsync(command, address, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<long> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenReadConnection();
        using var command = EmbeddedDatabase.Command(connection, null, "SELECT COUNT(*) FROM dead_letters WHERE queue = $queue");
        command.Parameters.AddWithValue("$queue", EmbeddedDatabase.QueueName(address));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task<IReadOnlyList<string>> ResubmitAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        ForEachAsync(address, messageIds, """
            INSERT INTO messages (queue, message_id, ordering_key, body, enqueued_at, visible_at)
            SELECT queue, message_id, ordering_key, body, $now, $now FROM dead_letters WHERE queue = $queue AND message_id = $id ORDER BY seq;
            DELETE FROM dead_letters WHERE queue = $queue AND message_id = $id;
            """, cancellationToken);

    public Task<IReadOnlyList<string>> PurgeAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        ForEachAsync(address, messageIds, "DELETE FROM dead_letters WHERE queue = $queue AND message_id = $id", cancellationToken);

    /// <summary>Runs <paramref name="sql"/> once per distinct id, in the order given, in one write; returns the ids it changed rows for.</summary>
    private async Task<IReadOnlyList<string>> ForEachAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var queue = EmbeddedDatabase.QueueName(address);
        var changed = await database.Writer.ExecuteAsync(write =>
        {
            var done = new List<string>(messageIds.Count);
            var command = write.Command(sql);
            if (sql.Contains("$now", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("$now", database.NowMs);
            }
            command.Parameters.AddWithValue("$queue", queue);
            var id = command.Parameters.Add("$id", SqliteType.Text);
            foreach (var messageId in messageIds.Distinct(StringComparer.Ordinal))
            {
                id.Value = messageId;
                if (command.ExecuteNonQuery() > 0)
                {
                    done.Add(messageId);
                }
            }
            return done;
        }).WaitAsync(cancellationToken);
        database.Pulse(queue);
        return changed;
    }

    /// <summary>Reads a stored envelope; one that cannot be read is shown with its raw bytes as a JSON string, so it can still be inspected.</summary>
    private static Envelope ReadEnvelope(byte[] body, string messageId, long enqueuedAt)
    {
        try
        {
            return EnvelopeSerializer.Deserialize(body);
        }
        catch (FormatException)
        {
            return EnvelopeSerializer.Unreadable(messageId, "/bridge/embedded", DateTimeOffset.FromUnixTimeMilliseconds(enqueuedAt), body);
        }
    }

    private static async Task<IReadOnlyList<DeadLetter>> ReadAsync(SqliteCommand command, SubscriptionAddress address, CancellationToken cancellationToken)
    {
        var list = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DeadLetter(
                address,
                ReadEnvelope(reader.GetFieldValue<byte[]>(2), reader.GetString(1), reader.GetInt64(6)),
                reader.GetInt64(0),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }
        return list;
    }
}
