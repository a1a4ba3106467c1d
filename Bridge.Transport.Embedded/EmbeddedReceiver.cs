using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Transport.Embedded;

/// <summary>Peek-lock receiver over one subscription's rows. Ordering keys: only the oldest pending message of a key is handed out.</summary>
internal sealed class EmbeddedReceiver(EmbeddedDatabase database, SubscriptionAddress address, DeadLetterObservers observers) : ISubscriptionReceiver
{
    private const string ExpireSql = """
        INSERT INTO dead_letters (queue, message_id, ordering_key, body, enqueued_at, delivery_count, dead_lettered_at, reason, description)
        SELECT queue, message_id, ordering_key, body, enqueued_at, delivery_count, $now, 'MaxDeliveryCountExceeded',
               'The lock of delivery ' || delivery_count || ' expired and the maximum delivery count (' || $max || ') was reached.'
        FROM messages WHERE queue = $queue AND lock_token IS NOT NULL AND locked_until <= $now AND delivery_count >= $max;
        DELETE FROM messages WHERE queue = $queue AND lock_token IS NOT NULL AND locked_until <= $now AND delivery_count >= $max
        RETURNING message_id, body, delivery_count;
        """;

    private const string ClaimSql = """
        UPDATE messages SET lock_token = lower(hex(randomblob(16))), locked_until = $until, delivery_count = delivery_count + 1
        WHERE seq IN (
            SELECT m.seq FROM messages m
            WHERE m.queue = $queue AND m.visible_at <= $now AND m.locked_until <= $now
              AND (m.ordering_key IS NULL OR NOT EXISTS (
                    SELECT 1 FROM messages p
                    WHERE p.queue = m.queue AND p.ordering_key = m.ordering_key AND p.seq < m.seq
                      AND (p.visible_at <= $now OR p.delivery_count > 0)))
            ORDER BY m.seq LIMIT $max)
        RETURNING seq, body, delivery_count, enqueued_at, lock_token, locked_until
        """;

    private const string NextDueSql = """
        SELECT MIN(CASE WHEN visible_at > $now THEN visible_at ELSE locked_until END)
        FROM messages WHERE queue = $queue AND (visible_at > $now OR locked_until > $now)
        """;

    private const string DeadLetterSql = """
        INSERT INTO dead_letters (queue, message_id, ordering_key, body, enqueued_at, delivery_count, dead_lettered_at, reason, description)
        SELECT queue, message_id, ordering_key, body, enqueued_at, delivery_count, $now, $reason, $description
        FROM messages WHERE seq = $seq AND lock_token = $token
        """;

    private readonly string _queue = EmbeddedDatabase.QueueName(address);

    public SubscriptionAddress Address { get; } = address;

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var deadline = database.Time.GetUtcNow() + maxWait;
        var pulse = database.PulseFor(_queue);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var spec = Spec();
            var woken = pulse.WaitTask;
            // Not cancellable once queued: a claim whose result were dropped would leave its messages locked until expiry.
            var (rows, nextDue, expired) = await database.Writer.ExecuteAsync(write => Claim(write, spec, maxMessages));
            foreach (var deadLetter in expired)
            {
                observers.Report(deadLetter);
            }

            if (rows.Count > 0)
            {
                // Envelopes are read here, off the single writer thread.
                var messages = await ReadClaimedAsync(rows);
                if (messages.Count > 0)
                {
                    return messages;
                }
                continue;
            }

            var now = database.Time.GetUtcNow();
            var remaining = deadline - now;
            if (remaining <= TimeSpan.Zero)
            {
                return [];
            }

            var wait = Min(remaining, database.Options.PollInterval);
            if (nextDue is { } due)
            {
                wait = Min(wait, TimeSpan.FromMilliseconds(Math.Max(1, due - now.ToUnixTimeMilliseconds())));
            }

            using var delay = new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, delay.Token);
            var sleep = Task.Delay(wait, database.Time, linked.Token);
            await Task.WhenAny(woken, sleep);
            await delay.CancelAsync();
        }
    }

    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return database.Writer.ExecuteAsync(write =>
        {
            var command = write.Command("DELETE FROM messages WHERE seq = $seq AND lock_token = $token");
            command.Parameters.AddWithValue("$seq", message.SequenceNumber);
            command.Parameters.AddWithValue("$token", message.LockToken);
            return command.ExecuteNonQuery() == 1 ? 0 : throw new MessageLockLostException(message.Envelope.Id);
        }).WaitAsync(cancellationToken);
    }

    public async Task AbandonAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var spec = Spec();
        var exhausted = message.DeliveryCount >= spec.MaxDeliveryCount;
        var description = $"Abandoned after delivery {message.DeliveryCount}; the maximum delivery count is {spec.MaxDeliveryCount}.";
        await database.Writer.ExecuteAsync(write =>
        {
            if (exhausted)
            {
                return MoveToDeadLetters(write, message, "MaxDeliveryCountExceeded", description);
            }

            var command = write.Command("""
                UPDATE messages SET lock_token = NULL, locked_until = 0, visible_at = $visible
                WHERE seq = $seq AND lock_token = $token
                """);
            command.Parameters.AddWithValue("$visible", database.NowMs + (long)Math.Max(0, delay.TotalMilliseconds));
            command.Parameters.AddWithValue("$seq", message.SequenceNumber);
            command.Parameters.AddWithValue("$token", message.LockToken);
            return command.ExecuteNonQuery() == 1 ? 0 : throw new MessageLockLostException(message.Envelope.Id);
        }).WaitAsync(cancellationToken);
        if (exhausted)
        {
            observers.Report(new TransportDeadLetter(Address, message.Envelope.Id, message.Envelope, message.DeliveryCount, "MaxDeliveryCountExceeded", description));
        }
        database.Pulse(_queue);
    }

    public async Task ReleaseAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await database.Writer.ExecuteAsync(write =>
        {
            // A delayed release keeps the message visible, so it still holds back its key's successors, and unlockable
            // until the delay is over (locked_until without a lock token).
            var command = write.Command("""
                UPDATE messages SET lock_token = NULL, locked_until = $until, delivery_count = MAX(delivery_count - 1, 0)
                WHERE seq = $seq AND lock_token = $token
                """);
            command.Parameters.AddWithValue("$until", delay > TimeSpan.Zero ? database.NowMs + (long)delay.TotalMilliseconds : 0);
            command.Parameters.AddWithValue("$seq", message.SequenceNumber);
            command.Parameters.AddWithValue("$token", message.LockToken);
            return command.ExecuteNonQuery() == 1 ? 0 : throw new MessageLockLostException(message.Envelope.Id);
        }).WaitAsync(cancellationToken);
        database.Pulse(_queue);
    }

    public Task DeadLetterAsync(ReceivedMessage message, string reason, string? description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return database.Writer.ExecuteAsync(write => MoveToDeadLetters(write, message, reason, description))
            .WaitAsync(cancellationToken);
    }

    public async Task<DateTimeOffset> RenewLockAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var spec = Spec();
        var until = await database.Writer.ExecuteAsync(write =>
        {
            var lockedUntil = database.NowMs + (long)spec.LockDuration.TotalMilliseconds;
            var command = write.Command("UPDATE messages SET locked_until = $until WHERE seq = $seq AND lock_token = $token");
            command.Parameters.AddWithValue("$until", lockedUntil);
            command.Parameters.AddWithValue("$seq", message.SequenceNumber);
            command.Parameters.AddWithValue("$token", message.LockToken);
            return command.ExecuteNonQuery() == 1 ? lockedUntil : throw new MessageLockLostException(message.Envelope.Id);
        }).WaitAsync(cancellationToken);
        return DateTimeOffset.FromUnixTimeMilliseconds(until);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private SubscriptionSpec Spec() =>
        database.Topology.Find(Address)
        ?? database.ReloadTopology().Find(Address)
        ?? throw new InvalidOperationException($"Subscription '{Address}' is not provisioned on the embedded broker.");

    private (List<ClaimedRow> Rows, long? NextDue, List<TransportDeadLetter> Expired) Claim(SqliteWrite write, SubscriptionSpec spec, int maxMessages)
    {
        var now = database.NowMs;
        var expired = new List<TransportDeadLetter>();
        var expire = write.Command(ExpireSql);
        expire.Parameters.AddWithValue("$queue", _queue);
        expire.Parameters.AddWithValue("$now", now);
        expire.Parameters.AddWithValue("$max", spec.MaxDeliveryCount);
        using (var reader = expire.ExecuteReader())
        {
            do
            {
                while (reader.FieldCount == 3 && reader.Read())
                {
                    var count = reader.GetInt32(2);
                    expired.Add(new TransportDeadLetter(Address, reader.GetString(0), TryRead(reader.GetFieldValue<byte[]>(1)), count, "MaxDeliveryCountExceeded",
                        $"The lock of delivery {count} expired and the maximum delivery count ({spec.MaxDeliveryCount}) was reached."));
                }
            }
            while (reader.NextResult());
        }

        var rows = new List<ClaimedRow>();
        var claim = write.Command(ClaimSql);
        claim.Parameters.AddWithValue("$queue", _queue);
        claim.Parameters.AddWithValue("$now", now);
        claim.Parameters.AddWithValue("$until", now + (long)spec.LockDuration.TotalMilliseconds);
        claim.Parameters.AddWithValue("$max", maxMessages);
        using (var reader = claim.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(new ClaimedRow(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt64(5)));
            }
        }

        if (rows.Count > 0)
        {
            rows.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            return (rows, null, expired);
        }

        var next = write.Command(NextDueSql);
        next.Parameters.AddWithValue("$queue", _queue);
        next.Parameters.AddWithValue("$now", now);
        return (rows, next.ExecuteScalar() is long due ? due : null, expired);
    }

    private async Task<IReadOnlyList<ReceivedMessage>> ReadClaimedAsync(List<ClaimedRow> rows)
    {
        var messages = new List<ReceivedMessage>(rows.Count);
        List<(ClaimedRow Row, string Error)>? unreadable = null;
        foreach (var row in rows)
        {
            try
            {
                messages.Add(new ReceivedMessage(
                    EnvelopeSerializer.Deserialize(row.Body),
                    row.DeliveryCount,
                    DateTimeOffset.FromUnixTimeMilliseconds(row.EnqueuedAt),
                    row.Seq,
                    row.LockToken,
                    DateTimeOffset.FromUnixTimeMilliseconds(row.LockedUntil))
                { Body = row.Body });
            }
            catch (FormatException ex)
            {
                (unreadable ??= []).Add((row, ex.Message));
            }
        }

        // A row that cannot be read must not block the subscription: dead-letter it with the reason (it is locked by us).
        if (unreadable is not null)
        {
            foreach (var (row, error) in unreadable)
            {
                try
                {
                    await database.Writer.ExecuteAsync(write => MoveToDeadLetters(write, row.Seq, row.LockToken, null, "UnreadableEnvelope", error));
                    observers.Report(new TransportDeadLetter(Address, $"seq-{row.Seq}", null, row.DeliveryCount, "UnreadableEnvelope", error));
                }
#pragma warning disable CA1031 // The messages claimed alongside must still be returned; this row's lock expires and it is claimed again.
                catch (Exception)
#pragma warning restore CA1031
                {
                    // Lock lost, or the broker is shutting down: the next claim after its lock expires finds it again.
                }
            }
        }

        return messages;
    }

    private int MoveToDeadLetters(SqliteWrite write, ReceivedMessage message, string reason, string? description) =>
        MoveToDeadLetters(write, message.SequenceNumber, message.LockToken, message.Envelope.Id, reason, description);

    private int MoveToDeadLetters(SqliteWrite write, long seq, string lockToken, string? messageId, string reason, string? description)
    {
        var insert = write.Command(DeadLetterSql);
        insert.Parameters.AddWithValue("$now", database.NowMs);
        insert.Parameters.AddWithValue("$reason", reason);
        insert.Parameters.AddWithValue("$description", (object?)description ?? DBNull.Value);
        insert.Parameters.AddWithValue("$seq", seq);
        insert.Parameters.AddWithValue("$token", lockToken);
        if (insert.ExecuteNonQuery() != 1)
        {
            throw new MessageLockLostException(messageId ?? seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var delete = write.Command("DELETE FROM messages WHERE seq = $seq");
        delete.Parameters.AddWithValue("$seq", seq);
        return delete.ExecuteNonQuery();
    }

    private static Envelope? TryRead(byte[] body)
    {
        try
        {
            return EnvelopeSerializer.Deserialize(body);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed record ClaimedRow(long Seq, byte[] Body, int DeliveryCount, long EnqueuedAt, string LockToken, long LockedUntil);
}

/// <summary>Creates embedded receivers.</summary>
internal sealed class EmbeddedReceiverFactory(EmbeddedDatabase database, DeadLetterObservers observers) : ISubscriptionReceiverFactory
{
    public ISubscriptionReceiver CreateReceiver(SubscriptionAddress address) => new EmbeddedReceiver(database, address, observers);
}
