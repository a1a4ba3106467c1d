using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Topology;
using Bridge.Transport.Embedded;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Transport;

/// <summary>
/// What every transport behind the broker port must do, written only against the port interfaces.
/// A subclass supplies the transport: fresh, empty broker storage per test and a way to start (and restart) an instance on it.
/// </summary>
public abstract class TransportBehaviour : IAsyncLifetime
{
    private const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";

    private readonly List<TransportUnderTest> _started = [];

    /// <summary>The running transport instance.</summary>
    protected TransportUnderTest Transport { get; private set; } = null!;

    /// <summary>The transport's largest accepted serialised envelope, in bytes.</summary>
    protected abstract int MaxMessageBytes { get; }

    /// <summary>How long to wait before concluding that nothing more will arrive.</summary>
    protected virtual TimeSpan QuietPeriod => TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound for a message that should arrive to arrive.</summary>
    protected virtual TimeSpan ArrivalTimeout => TimeSpan.FromSeconds(10);

    /// <summary>Lock duration of subscriptions whose lock expiry is tested.</summary>
    protected virtual TimeSpan ShortLockDuration => TimeSpan.FromSeconds(1);

    /// <summary>Slack allowed when comparing the broker's clock decisions with the test's clock.</summary>
    protected virtual TimeSpan TimingTolerance => TimeSpan.FromMilliseconds(100);

    /// <summary>Lock duration long enough never to expire during a test.</summary>
    protected static TimeSpan LongLockDuration => TimeSpan.FromSeconds(60);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts a transport instance on this test's broker storage. Called again after a shutdown, it is a restart.</summary>
    protected abstract Task<TransportUnderTest> StartTransportAsync();

    /// <summary>Creates fresh, empty broker storage for one test.</summary>
    protected virtual ValueTask CreateStorageAsync() => ValueTask.CompletedTask;

    /// <summary>Removes the test's broker storage; every instance is shut down by then.</summary>
    protected virtual ValueTask DeleteStorageAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        await CreateStorageAsync();
        Transport = await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            for (var i = _started.Count - 1; i >= 0; i--)
            {
                await _started[i].DisposeAsync();
            }
        }
        finally
        {
            await DeleteStorageAsync();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Shuts the running instance down and starts a new one on the same storage.</summary>
    protected async Task RestartAsync()
    {
        await Transport.DisposeAsync();
        Transport = await StartAsync();
    }

    private async Task<TransportUnderTest> StartAsync()
    {
        var transport = await StartTransportAsync();
        _started.Add(transport);
        return transport;
    }

    [Fact]
    public async Task Every_envelope_attribute_survives_publish_and_receive()
    {
        var topic = UniqueName("roundtrip");
        var address = await ProvisionAsync(topic, Subscription(topic, "all"));
        var sent = new Envelope
        {
            Id = "evt-" + Guid.NewGuid().ToString("N"),
            Source = "/shop/checkout?region=eu",
            Type = "order.created",
            Subject = "orders/4711",
            Time = new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(2)).AddTicks(5_897_932),
            DataContentType = "application/json; charset=utf-8",
            Data = """{"orderId":4711, "lines":[{"sku":"A-1","qty":2,"price":19.99}],"note":"größer – \"quoted\" ✓","gift":null,"nested":{"empty":[],"flag":true}}"""u8.ToArray(),
            CorrelationId = "corr-" + Guid.NewGuid().ToString("N"),
            TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            TraceState = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
            OrderingKey = "customer-42",
            Properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["tenant"] = "acme",
                ["region"] = "eu-west",
                ["priority"] = "high",
            },
        };
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        var before = DateTimeOffset.UtcNow;
        await PublishAsync(topic, sent);
        var received = Assert.Single(await ReceiveAtLeastAsync(receiver, 1));
        var after = DateTimeOffset.UtcNow;

        AssertSameEnvelope(sent, received.Envelope);
        Assert.Equal(1, received.DeliveryCount);
        Assert.False(string.IsNullOrEmpty(received.LockToken));
        Assert.InRange(received.EnqueuedTime, before - TimingTolerance, after + TimingTolerance);
        Assert.True(received.LockedUntil > after, "A fresh delivery is locked beyond now.");
        await receiver.CompleteAsync(received, Ct);
        await AssertNothingReceivedAsync(receiver);
    }

    [Fact]
    public async Task Each_subscription_receives_exactly_the_envelopes_its_filter_matches()
    {
        var topic = UniqueName("fanout");
        var byType = Subscription(topic, "created", new EnvelopeFilter { Types = ["order.created"] });
        var bySubject = Subscription(topic, "orders", new EnvelopeFilter { Subject = "orders/*" });
        var byProperty = Subscription(topic, "eu", new EnvelopeFilter { Properties = Props(("region", "eu")) });
        await Transport.Provisioner.ProvisionAsync([new TopicSpec(topic, [byType, bySubject, byProperty])], Ct);

        await PublishAsync(
            topic,
            NewEnvelope("created-order-us", "order.created", "orders/1", properties: Props(("region", "us"))),
            NewEnvelope("shipped-order-eu", "order.shipped", "orders/2", properties: Props(("region", "eu"))),
            NewEnvelope("created-invoice-eu", "order.created", "invoices/3", properties: Props(("region", "eu"), ("tier", "gold"))),
            NewEnvelope("customer-no-region", "customer.updated", "customers/4"),
            NewEnvelope("near-misses", "order.created.v2", "orders", properties: Props(("region", "EU"))),
            NewEnvelope("cancelled-no-subject-eu", "order.cancelled", subject: null, properties: Props(("region", "eu"))));

        var expected = new Dictionary<SubscriptionSpec, string[]>
        {
            [byType] = ["created-order-us", "created-invoice-eu"],
            [bySubject] = ["created-order-us", "shipped-order-eu"],
            [byProperty] = ["shipped-order-eu", "created-invoice-eu", "cancelled-no-subject-eu"],
        };
        var received = await Task.WhenAll(expected.Select(async pair =>
        {
            await using var receiver = Transport.Receivers.CreateReceiver(pair.Key.Address);
            var messages = await ReceiveAtLeastAsync(receiver, pair.Value.Length);
            foreach (var message in messages)
            {
                await receiver.CompleteAsync(message, Ct);
            }
            await AssertNothingReceivedAsync(receiver);
            return (Subscription: pair.Key.Address.Subscription, Ids: messages.Select(m => m.Envelope.Id).Order(StringComparer.Ordinal).ToArray());
        }));

        foreach (var (spec, ids) in expected)
        {
            var actual = Assert.Single(received, r => r.Subscription == spec.Address.Subscription);
            Assert.Equal(ids.Order(StringComparer.Ordinal), actual.Ids);
        }
    }

    [Fact]
    public async Task Concurrent_receivers_on_one_subscription_never_hold_the_same_message()
    {
        const int count = 50;
        var topic = UniqueName("exclusive");
        var address = await ProvisionAsync(topic, Subscription(topic, "workers", lockDuration: LongLockDuration));
        await PublishAsync(topic, [.. Enumerable.Range(1, count).Select(i => NewEnvelope($"msg-{i:D2}"))]);

        var deliveries = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var inFlight = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var overlaps = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();

        async Task DrainAsync()
        {
            await using var receiver = Transport.Receivers.CreateReceiver(address);
            while (deliveries.Count < count && clock.Elapsed < ArrivalTimeout)
            {
                var batch = await receiver.ReceiveAsync(3, QuietPeriod, Ct);
                foreach (var message in batch)
                {
                    deliveries.AddOrUpdate(message.Envelope.Id, 1, (_, n) => n + 1);
                    if (!inFlight.TryAdd(message.Envelope.Id, 0))
                    {
                        overlaps.Enqueue(message.Envelope.Id);
                    }
                }

                await Task.Yield();
                foreach (var message in batch)
                {
                    await receiver.CompleteAsync(message, Ct);
                    inFlight.TryRemove(message.Envelope.Id, out _);
                }
            }
        }

        await Task.WhenAll(Task.Run(DrainAsync, Ct), Task.Run(DrainAsync, Ct));

        Assert.Empty(overlaps);
        Assert.Equal(count, deliveries.Count);
        Assert.All(deliveries, pair => Assert.Equal(1, pair.Value));
        await using var last = Transport.Receivers.CreateReceiver(address);
        await AssertNothingReceivedAsync(last);
    }

    [Fact]
    public async Task Expired_lock_redelivers_with_incremented_delivery_count_and_voids_the_old_lock_token()
    {
        var topic = UniqueName("expiry");
        var address = await ProvisionAsync(topic, Subscription(topic, "slow", lockDuration: ShortLockDuration));
        await PublishAsync(topic, NewEnvelope("slow-1"));
        await using var first = Transport.Receivers.CreateReceiver(address);
        await using var second = Transport.Receivers.CreateReceiver(address);

        var original = await ReceiveOneAsync(first);
        var redelivery = await ReceiveOneAsync(second);

        Assert.True(DateTimeOffset.UtcNow >= original.LockedUntil - TimingTolerance,
            $"Redelivered at {DateTimeOffset.UtcNow:O}, before the lock expired at {original.LockedUntil:O}.");
        Assert.Equal("slow-1", redelivery.Envelope.Id);
        Assert.Equal(1, original.DeliveryCount);
        Assert.Equal(2, redelivery.DeliveryCount);
        Assert.NotEqual(original.LockToken, redelivery.LockToken);

        await Assert.ThrowsAsync<MessageLockLostException>(() => first.CompleteAsync(original, Ct));
        await Assert.ThrowsAsync<MessageLockLostException>(() => first.AbandonAsync(original, TimeSpan.Zero, Ct));
        await Assert.ThrowsAsync<MessageLockLostException>(() => first.DeadLetterAsync(original, "Stale", null, Ct));
        await Assert.ThrowsAsync<MessageLockLostException>(() => first.RenewLockAsync(original, Ct));

        await second.CompleteAsync(redelivery, Ct);
        await AssertNothingReceivedAsync(first);
        Assert.Equal(0, await Transport.DeadLetters.CountAsync(address, Ct));
    }

    [Fact]
    public async Task Abandoned_message_is_redelivered_and_an_abandon_delay_defers_redelivery()
    {
        var topic = UniqueName("abandon");
        var address = await ProvisionAsync(topic, Subscription(topic, "retrying"));
        await PublishAsync(topic, NewEnvelope("retry-me"));
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        var first = await ReceiveOneAsync(receiver);
        await receiver.AbandonAsync(first, TimeSpan.Zero, Ct);
        var second = await ReceiveOneAsync(receiver);
        Assert.Equal("retry-me", second.Envelope.Id);
        Assert.Equal(2, second.DeliveryCount);

        var delay = TimeSpan.FromSeconds(1);
        var sinceAbandon = Stopwatch.StartNew();
        await receiver.AbandonAsync(second, delay, Ct);
        var third = await ReceiveOneAsync(receiver);
        var waited = sinceAbandon.Elapsed;

        Assert.True(waited >= delay - TimingTolerance, $"Redelivered {waited.TotalMilliseconds:F0} ms after an abandon delayed by {delay.TotalMilliseconds:F0} ms.");
        Assert.Equal("retry-me", third.Envelope.Id);
        Assert.Equal(3, third.DeliveryCount);
        await receiver.CompleteAsync(third, Ct);
        await AssertNothingReceivedAsync(receiver);
    }

    [Fact]
    public async Task Abandon_at_max_delivery_count_dead_letters_and_resubmit_delivers_it_afresh()
    {
        var topic = UniqueName("poison");
        var address = await ProvisionAsync(topic, Subscription(topic, "strict", maxDeliveryCount: 3));
        var sent = NewEnvelope("poison-1", properties: Props(("tenant", "acme")));
        await PublishAsync(topic, sent);
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        for (var delivery = 1; delivery <= 3; delivery++)
        {
            var message = await ReceiveOneAsync(receiver);
            Assert.Equal(delivery, message.DeliveryCount);
            await receiver.AbandonAsync(message, TimeSpan.Zero, Ct);
        }

        await AssertNothingReceivedAsync(receiver);
        Assert.Equal(1, await Transport.DeadLetters.CountAsync(address, Ct));
        var listed = Assert.Single(await Transport.DeadLetters.ListAsync(address, 0, 10, Ct));
        Assert.Equal(address, listed.Address);
        Assert.Equal(MaxDeliveryCountExceeded, listed.Reason);
        Assert.Equal(3, listed.DeliveryCount);
        AssertSameEnvelope(sent, listed.Envelope);
        Assert.Empty(await Transport.DeadLetters.ListAsync(address, listed.SequenceNumber, 10, Ct));

        var found = await Transport.DeadLetters.GetAsync(address, "poison-1", Ct);
        Assert.NotNull(found);
        Assert.Equal(listed.SequenceNumber, found.SequenceNumber);
        Assert.Equal(MaxDeliveryCountExceeded, found.Reason);
        Assert.Null(await Transport.DeadLetters.GetAsync(address, "no-such-message", Ct));

        var moved = await Transport.DeadLetters.ResubmitAsync(address, ["poison-1", "no-such-message"], Ct);

        Assert.Equal(["poison-1"], moved);
        Assert.Equal(0, await Transport.DeadLetters.CountAsync(address, Ct));
        Assert.Null(await Transport.DeadLetters.GetAsync(address, "poison-1", Ct));
        var again = await ReceiveOneAsync(receiver);
        Assert.Equal(1, again.DeliveryCount);
        AssertSameEnvelope(sent, again.Envelope);
        await receiver.CompleteAsync(again, Ct);
        await AssertNothingReceivedAsync(receiver);
    }

    [Fact]
    public async Task Lock_expiring_on_the_last_allowed_delivery_dead_letters_the_message()
    {
        var topic = UniqueName("expiring-poison");
        var address = await ProvisionAsync(topic, Subscription(topic, "once", maxDeliveryCount: 1, lockDuration: ShortLockDuration));
        await PublishAsync(topic, NewEnvelope("never-settled"));
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        var only = await ReceiveOneAsync(receiver);
        var deadline = Stopwatch.StartNew();
        DeadLetter? deadLetter = null;
        while (deadLetter is null && deadline.Elapsed < ShortLockDuration + ArrivalTimeout)
        {
            Assert.Empty(await receiver.ReceiveAsync(10, QuietPeriod, Ct));
            deadLetter = await Transport.DeadLetters.GetAsync(address, "never-settled", Ct);
        }

        Assert.NotNull(deadLetter);
        Assert.Equal(MaxDeliveryCountExceeded, deadLetter.Reason);
        Assert.Equal(1, deadLetter.DeliveryCount);
        Assert.True(deadLetter.DeadLetteredTime >= only.LockedUntil - TimingTolerance, "Dead-lettered before the lock expired.");
        await Assert.ThrowsAsync<MessageLockLostException>(() => receiver.CompleteAsync(only, Ct));
    }

    [Fact]
    public async Task Dead_lettering_keeps_the_reason_and_description()
    {
        var topic = UniqueName("rejects");
        var address = await ProvisionAsync(topic, Subscription(topic, "validated"));
        var described = NewEnvelope("bad-schema");
        var bare = NewEnvelope("bad-anyway");
        await PublishAsync(topic, described, bare);
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        var messages = await ReceiveAtLeastAsync(receiver, 2);
        var badSchema = messages.Single(m => m.Envelope.Id == "bad-schema");
        var before = DateTimeOffset.UtcNow;
        await receiver.DeadLetterAsync(badSchema, "SchemaViolation", "Field 'orderId' is missing.", Ct);
        await receiver.DeadLetterAsync(messages.Single(m => m.Envelope.Id == "bad-anyway"), "Rejected", null, Ct);
        var after = DateTimeOffset.UtcNow;

        await AssertNothingReceivedAsync(receiver);
        var withDescription = await Transport.DeadLetters.GetAsync(address, "bad-schema", Ct);
        Assert.NotNull(withDescription);
        Assert.Equal("SchemaViolation", withDescription.Reason);
        Assert.Equal("Field 'orderId' is missing.", withDescription.Description);
        Assert.Equal(1, withDescription.DeliveryCount);
        Assert.InRange(withDescription.DeadLetteredTime, before - TimingTolerance, after + TimingTolerance);
        Assert.Equal(badSchema.EnqueuedTime, withDescription.EnqueuedTime, TimingTolerance);
        AssertSameEnvelope(described, withDescription.Envelope);

        var withoutDescription = await Transport.DeadLetters.GetAsync(address, "bad-anyway", Ct);
        Assert.NotNull(withoutDescription);
        Assert.Equal("Rejected", withoutDescription.Reason);
        Assert.Null(withoutDescription.Description);
        Assert.Equal(
            ["bad-schema", "bad-anyway"],
            (await Transport.DeadLetters.ListAsync(address, 0, 10, Ct)).Select(d => d.Envelope.Id));
    }

    [Fact]
    public async Task Scheduled_message_is_not_received_before_its_enqueue_time()
    {
        var topic = UniqueName("scheduled");
        var address = await ProvisionAsync(topic, Subscription(topic, "later"));
        var scheduledFor = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.5);
        await Transport.Publisher.PublishAsync(
            topic,
            [new OutgoingMessage(NewEnvelope("later"), scheduledFor), new OutgoingMessage(NewEnvelope("now"))],
            Ct);
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        var immediate = Assert.Single(await ReceiveAtLeastAsync(receiver, 1));
        Assert.Equal("now", immediate.Envelope.Id);
        await receiver.CompleteAsync(immediate, Ct);

        var scheduled = await ReceiveOneAsync(receiver);
        var receivedAt = DateTimeOffset.UtcNow;
        Assert.Equal("later", scheduled.Envelope.Id);
        Assert.Equal(1, scheduled.DeliveryCount);
        Assert.True(receivedAt >= scheduledFor - TimingTolerance, $"Received at {receivedAt:O}, scheduled for {scheduledFor:O}.");
        await receiver.CompleteAsync(scheduled, Ct);
    }

    [Fact]
    public async Task Messages_sharing_an_ordering_key_are_handed_out_one_at_a_time_in_publish_order()
    {
        var topic = UniqueName("ordered");
        var address = await ProvisionAsync(topic, Subscription(topic, "sequential", lockDuration: LongLockDuration));
        await PublishAsync(
            topic,
            NewEnvelope("a1", orderingKey: "a"),
            NewEnvelope("b1", orderingKey: "b"),
            NewEnvelope("a2", orderingKey: "a"),
            NewEnvelope("b2", orderingKey: "b"),
            NewEnvelope("a3", orderingKey: "a"));
        await using var first = Transport.Receivers.CreateReceiver(address);
        await using var second = Transport.Receivers.CreateReceiver(address);

        // Only the head of each key is handed out, although more are asked for and a second receiver asks too.
        var heads = await ReceiveAtLeastAsync(first, 2);
        Assert.Equal(["a1", "b1"], Ids(heads));
        await AssertNothingReceivedAsync(second);

        // Key b moves on while the head of key a is still locked.
        await first.CompleteAsync(heads[1], Ct);
        var b2 = await ReceiveOneAsync(second, maxMessages: 10);
        Assert.Equal("b2", b2.Envelope.Id);
        await AssertNothingReceivedAsync(first);

        // A retry of key a's head comes before its successors, also while the retry waits out its delay.
        var retryDelay = TimeSpan.FromMilliseconds(500);
        var sinceAbandon = Stopwatch.StartNew();
        await first.AbandonAsync(heads[0], retryDelay, Ct);
        var retry = await ReceiveOneAsync(second, maxMessages: 10);
        Assert.Equal("a1", retry.Envelope.Id);
        Assert.True(sinceAbandon.Elapsed >= retryDelay - TimingTolerance, "The retry came before its delay elapsed.");
        Assert.Equal(2, retry.DeliveryCount);
        await AssertNothingReceivedAsync(first);

        await second.CompleteAsync(b2, Ct);
        await second.CompleteAsync(retry, Ct);
        var a2 = await ReceiveOneAsync(first, maxMessages: 10);
        Assert.Equal("a2", a2.Envelope.Id);
        await AssertNothingReceivedAsync(second);
        await first.CompleteAsync(a2, Ct);
        var a3 = await ReceiveOneAsync(second, maxMessages: 10);
        Assert.Equal("a3", a3.Envelope.Id);
        Assert.Equal(1, a3.DeliveryCount);
        await second.CompleteAsync(a3, Ct);
        await AssertNothingReceivedAsync(first);
    }

    [Fact]
    public async Task Envelope_over_the_size_limit_is_rejected_with_MessageTooLargeException_and_not_stored()
    {
        var topic = UniqueName("sizes");
        var address = await ProvisionAsync(topic, Subscription(topic, "all"));
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        var error = await Assert.ThrowsAsync<MessageTooLargeException>(() => PublishAsync(topic, NewEnvelope("too-big", data: JsonOfSize(MaxMessageBytes + 1))));

        Assert.Equal(MaxMessageBytes, error.Limit);
        await AssertNothingReceivedAsync(receiver);
        await PublishAsync(topic, NewEnvelope("half-the-limit", data: JsonOfSize(MaxMessageBytes / 2)));
        var accepted = Assert.Single(await ReceiveAtLeastAsync(receiver, 1));
        Assert.Equal("half-the-limit", accepted.Envelope.Id);
        await receiver.CompleteAsync(accepted, Ct);
    }

    [Fact]
    public async Task Publishing_to_an_unprovisioned_topic_throws_TopicNotFoundException()
    {
        var known = UniqueName("known");
        await ProvisionAsync(known, Subscription(known, "all"));
        var missing = UniqueName("missing");

        var error = await Assert.ThrowsAsync<TopicNotFoundException>(() => PublishAsync(missing, NewEnvelope("lost")));

        Assert.Equal(missing, error.Topic);
    }

    [Fact]
    public async Task Provisioning_the_same_topology_twice_is_harmless()
    {
        var topic = UniqueName("twice");
        TopicSpec[] topology =
        [
            new(topic, [Subscription(topic, "everything"), Subscription(topic, "created", new EnvelopeFilter { Types = ["order.created"] })]),
        ];
        await Transport.Provisioner.ProvisionAsync(topology, Ct);
        await PublishAsync(topic, NewEnvelope("before", "order.created"));
        await Transport.Provisioner.ProvisionAsync(topology, Ct);
        await Transport.Provisioner.ProvisionAsync(
            [topology[0] with { Subscriptions = [.. topology[0].Subscriptions.Select(s => s with { })] }], Ct);
        await PublishAsync(topic, NewEnvelope("after", "order.created"), NewEnvelope("shipped", "order.shipped"));

        await using var everything = Transport.Receivers.CreateReceiver(new SubscriptionAddress(topic, "everything"));
        await using var created = Transport.Receivers.CreateReceiver(new SubscriptionAddress(topic, "created"));
        var all = await ReceiveAtLeastAsync(everything, 3);
        var matching = await ReceiveAtLeastAsync(created, 2);

        Assert.Equal(["before", "after", "shipped"], Ids(all));
        Assert.Equal(["before", "after"], Ids(matching));
        Assert.All(all.Concat(matching), m => Assert.Equal(1, m.DeliveryCount));
        await AssertNothingReceivedAsync(everything);
        await AssertNothingReceivedAsync(created);
    }

    [Fact]
    public async Task Messages_and_their_locks_survive_a_restart_of_the_transport()
    {
        var topic = UniqueName("durable");
        var address = await ProvisionAsync(topic, Subscription(topic, "kept", lockDuration: ShortLockDuration));
        Envelope[] sent = [NewEnvelope("kept-1", data: """{"n":1}"""), NewEnvelope("kept-2", data: """{"n":2}"""), NewEnvelope("kept-3", data: """{"n":3}""")];
        await PublishAsync(topic, sent);
        ReceivedMessage locked;
        await using (var receiver = Transport.Receivers.CreateReceiver(address))
        {
            locked = await ReceiveOneAsync(receiver);
        }

        await RestartAsync();

        await using var restarted = Transport.Receivers.CreateReceiver(address);
        var messages = new List<ReceivedMessage>();
        var redeliveredAt = DateTimeOffset.MaxValue;
        var clock = Stopwatch.StartNew();
        while (messages.Count < sent.Length && clock.Elapsed < ArrivalTimeout)
        {
            // Settled at once: the short lock of the messages that were not locked before the restart must not run out.
            foreach (var message in await restarted.ReceiveAsync(32, ArrivalTimeout - clock.Elapsed, Ct))
            {
                if (message.Envelope.Id == locked.Envelope.Id)
                {
                    redeliveredAt = DateTimeOffset.UtcNow;
                }
                await restarted.CompleteAsync(message, Ct);
                messages.Add(message);
            }
        }

        Assert.Equal(["kept-1", "kept-2", "kept-3"], Ids(messages).Order(StringComparer.Ordinal));
        foreach (var message in messages)
        {
            AssertSameEnvelope(sent.Single(e => e.Id == message.Envelope.Id), message.Envelope);
            if (message.Envelope.Id == locked.Envelope.Id)
            {
                Assert.Equal(2, message.DeliveryCount);
                Assert.NotEqual(locked.LockToken, message.LockToken);
            }
            else
            {
                Assert.Equal(1, message.DeliveryCount);
            }
        }

        Assert.True(redeliveredAt >= locked.LockedUntil - TimingTolerance,
            $"The message locked until {locked.LockedUntil:O} before the restart was redelivered at {redeliveredAt:O}.");
        await AssertNothingReceivedAsync(restarted);
    }

    [Fact]
    public async Task Batch_with_one_oversized_envelope_stores_none_of_its_envelopes()
    {
        var topic = UniqueName("atomic");
        var address = await ProvisionAsync(topic, Subscription(topic, "all"));
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        await Assert.ThrowsAsync<MessageTooLargeException>(() => PublishAsync(
            topic, NewEnvelope("small-1"), NewEnvelope("small-2"), NewEnvelope("too-big", data: JsonOfSize(MaxMessageBytes + 1))));

        await AssertNothingReceivedAsync(receiver);
        await PublishAsync(topic, NewEnvelope("small-3"));
        var only = Assert.Single(await ReceiveAtLeastAsync(receiver, 1));
        Assert.Equal("small-3", only.Envelope.Id);
        await receiver.CompleteAsync(only, Ct);
        await AssertNothingReceivedAsync(receiver);
    }

    protected static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    protected static SubscriptionSpec Subscription(
        string topic, string name, EnvelopeFilter? filter = null, int maxDeliveryCount = 10, TimeSpan? lockDuration = null) =>
        new(new SubscriptionAddress(topic, name), filter ?? EnvelopeFilter.All, maxDeliveryCount, lockDuration ?? LongLockDuration);

    protected async Task<SubscriptionAddress> ProvisionAsync(string topic, SubscriptionSpec subscription)
    {
        await Transport.Provisioner.ProvisionAsync([new TopicSpec(topic, [subscription])], Ct);
        return subscription.Address;
    }

    protected static Envelope NewEnvelope(
        string id,
        string type = "order.created",
        string? subject = "orders/1",
        string? orderingKey = null,
        IReadOnlyDictionary<string, string>? properties = null,
        string? data = null) => new()
        {
            Id = id,
            Source = "/tests/transport",
            Type = type,
            Subject = subject,
            Time = DateTimeOffset.UtcNow,
            Data = Encoding.UTF8.GetBytes(data ?? $$"""{"id":"{{id}}"}"""),
            CorrelationId = "corr-" + id,
            OrderingKey = orderingKey,
            Properties = properties ?? Envelope.EmptyProperties,
        };

    protected static Dictionary<string, string> Props(params (string Name, string Value)[] properties) =>
        properties.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    /// <summary>A JSON document whose UTF-8 form is exactly <paramref name="bytes"/> long.</summary>
    protected static string JsonOfSize(int bytes) => $$"""{"pad":"{{new string('x', bytes - 10)}}"}""";

    protected Task PublishAsync(string topic, params Envelope[] envelopes) =>
        Transport.Publisher.PublishAsync(topic, [.. envelopes.Select(e => new OutgoingMessage(e))], Ct);

    /// <summary>Receives until at least <paramref name="count"/> messages arrived, failing after <see cref="ArrivalTimeout"/>.</summary>
    protected async Task<List<ReceivedMessage>> ReceiveAtLeastAsync(ISubscriptionReceiver receiver, int count, int maxMessages = 32)
    {
        var received = new List<ReceivedMessage>();
        var clock = Stopwatch.StartNew();
        while (received.Count < count)
        {
            var remaining = ArrivalTimeout - clock.Elapsed;
            Assert.True(remaining > TimeSpan.Zero,
                $"Received {received.Count} of {count} expected messages within {ArrivalTimeout}: [{string.Join(", ", Ids(received))}].");
            received.AddRange(await receiver.ReceiveAsync(maxMessages, remaining, Ct));
        }
        return received;
    }

    /// <summary>Receives exactly one message, failing when none arrives within <see cref="ArrivalTimeout"/> or more come at once.</summary>
    protected async Task<ReceivedMessage> ReceiveOneAsync(ISubscriptionReceiver receiver, int maxMessages = 1) =>
        Assert.Single(await ReceiveAtLeastAsync(receiver, 1, maxMessages));

    protected async Task AssertNothingReceivedAsync(ISubscriptionReceiver receiver)
    {
        var unexpected = await receiver.ReceiveAsync(32, QuietPeriod, Ct);
        Assert.True(unexpected.Count == 0, $"Unexpectedly received [{string.Join(", ", Ids(unexpected))}] from {receiver.Address}.");
    }

    protected static IEnumerable<string> Ids(IEnumerable<ReceivedMessage> messages) => messages.Select(m => m.Envelope.Id);

    protected static void AssertSameEnvelope(Envelope expected, Envelope actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Time, actual.Time);
        Assert.Equal(expected.DataContentType, actual.DataContentType);
        Assert.Equal(Encoding.UTF8.GetString(expected.Data.Span), Encoding.UTF8.GetString(actual.Data.Span));
        Assert.Equal(expected.CorrelationId, actual.CorrelationId);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.Equal(expected.TraceState, actual.TraceState);
        Assert.Equal(expected.OrderingKey, actual.OrderingKey);
        Assert.Equal(
            expected.Properties.OrderBy(p => p.Key, StringComparer.Ordinal),
            actual.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}

/// <summary>The transport behaviour against the embedded SQLite broker, one fresh broker file per test.</summary>
public sealed class EmbeddedTransportTests : TransportBehaviour
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bridge-embedded-tests", Guid.NewGuid().ToString("N"));

    protected override int MaxMessageBytes => 64 * 1024;

    protected override Task<TransportUnderTest> StartTransportAsync()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "broker.db") }.ToString();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{EmbeddedTransportOptions.SectionName}:ConnectionString"] = connectionString,
                [$"{EmbeddedTransportOptions.SectionName}:MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddEmbeddedTransport(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        return Task.FromResult(new TransportUnderTest(
            provider.GetRequiredService<ITopicPublisher>(),
            provider.GetRequiredService<ISubscriptionReceiverFactory>(),
            provider.GetRequiredService<ITopologyProvisioner>(),
            provider.GetRequiredService<IDeadLetterQueue>(),
            provider.DisposeAsync));
    }

    protected override ValueTask CreateStorageAsync()
    {
        Directory.CreateDirectory(_directory);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask DeleteStorageAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
