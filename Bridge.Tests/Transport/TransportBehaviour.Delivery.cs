using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Transport;

public abstract partial class TransportBehaviour
{
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
    public async Task Released_message_is_redelivered_at_once_without_spending_a_delivery()
    {
        var topic = UniqueName("release");
        var address = await ProvisionAsync(topic, Subscription(topic, "sub", maxDeliveryCount: 2));
        await using var receiver = Transport.Receivers.CreateReceiver(address);
        await PublishAsync(topic, NewEnvelope(UniqueName("released")));

        var first = await ReceiveOneAsync(receiver);
        await receiver.ReleaseAsync(first, TimeSpan.Zero, Ct);
        var second = await ReceiveOneAsync(receiver);
        await receiver.ReleaseAsync(second, TimeSpan.Zero, Ct);
        var third = await ReceiveOneAsync(receiver);

        Assert.Equal(first.Envelope.Id, third.Envelope.Id);
        Assert.Equal(1, third.DeliveryCount);
        await receiver.CompleteAsync(third, Ct);
    }

    [Fact]
    public async Task A_delayed_release_waits_out_its_delay_spends_no_delivery_and_keeps_its_successors_behind_it()
    {
        var topic = UniqueName("deferred");
        var address = await ProvisionAsync(topic, Subscription(topic, "sub", maxDeliveryCount: 2, lockDuration: LongLockDuration));
        await using var receiver = Transport.Receivers.CreateReceiver(address);
        await PublishAsync(topic, NewEnvelope("k1", orderingKey: "k"), NewEnvelope("k2", orderingKey: "k"), NewEnvelope("free"));

        var heads = await ReceiveAtLeastAsync(receiver, 2, maxMessages: 10);
        Assert.Equal(["free", "k1"], Ids(heads).Order(StringComparer.Ordinal));
        var delay = TimeSpan.FromMilliseconds(800);
        var released = Stopwatch.StartNew();
        await receiver.ReleaseAsync(heads.Single(m => m.Envelope.Id == "k1"), delay, Ct);
        await receiver.CompleteAsync(heads.Single(m => m.Envelope.Id == "free"), Ct);

        // Neither k1 (its delay runs) nor k2 (behind k1) comes meanwhile.
        await AssertNothingReceivedAsync(receiver);
        var again = await ReceiveOneAsync(receiver, maxMessages: 10);
        Assert.Equal("k1", again.Envelope.Id);
        Assert.True(released.Elapsed >= delay - TimingTolerance, $"k1 came back after {released.ElapsedMilliseconds} ms, before its delay.");
        Assert.Equal(1, again.DeliveryCount);
        await receiver.CompleteAsync(again, Ct);
        Assert.Equal("k2", (await ReceiveOneAsync(receiver, maxMessages: 10)).Envelope.Id);
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

}
