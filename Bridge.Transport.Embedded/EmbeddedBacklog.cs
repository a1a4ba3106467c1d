using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Transport.Embedded;

/// <summary>
/// Counts a subscription's rows in the broker file. Held: visible later (scheduled, or abandoned with a retry delay) or
/// released with a delay (unlocked, but not offered before <c>locked_until</c>). Locked rows whose lock has not expired
/// are in flight and counted by neither; an expired lock's row can be taken again, so it is pending. A row waiting
/// behind the head of its ordering key counts as pending.
/// </summary>
internal sealed class EmbeddedBacklog(EmbeddedDatabase database) : ISubscriptionBacklog
{
    private const string CountSql = """
        SELECT
            COALESCE(SUM(CASE WHEN visible_at <= $now AND locked_until <= $now THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN visible_at > $now OR (lock_token IS NULL AND locked_until > $now) THEN 1 ELSE 0 END), 0)
        FROM messages WHERE queue = $queue
        """;

    public async Task<SubscriptionBacklog?> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenReadConnection();
        using var command = EmbeddedDatabase.Command(connection, null, CountSql);
        command.Parameters.AddWithValue("$queue", EmbeddedDatabase.QueueName(address));
        command.Parameters.AddWithValue("$now", database.NowMs);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new SubscriptionBacklog(reader.GetInt64(0), reader.GetInt64(1));
    }
}
