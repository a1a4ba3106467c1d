using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Transport;

public abstract partial class TransportBehaviour
{
    [Fact]
    public virtual async Task Scheduled_message_is_not_received_before_its_enqueue_time()
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
    public virtual async Task Messages_sharing_an_ordering_key_are_handed_out_one_at_a_time_in_publish_order()
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
    public virtual async Task A_backlog_behind_a_blocked_key_does_not_starve_other_keys()
    {
        var topic = UniqueName("backlog");
        var address = await ProvisionAsync(topic, Subscription(topic, "keyed", lockDuration: LongLockDuration));
        await PublishAsync(topic, [.. Enumerable.Range(1, 12).Select(i => NewEnvelope($"a{i}", orderingKey: "a"))]);
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        // a1 is out and stays out (a webhook that keeps failing); a2…a12 wait behind it, in whatever holds them.
        var head = await ReceiveOneAsync(receiver, maxMessages: 2);
        Assert.Equal("a1", head.Envelope.Id);
        await AssertNothingReceivedAsync(receiver);

        await PublishAsync(topic, NewEnvelope("b1", orderingKey: "b"), NewEnvelope("c1"));
        var others = await ReceiveAtLeastAsync(receiver, 2, maxMessages: 2);
        Assert.Equal(["b1", "c1"], Ids(others).Order(StringComparer.Ordinal));
        foreach (var message in others)
        {
            await receiver.CompleteAsync(message, Ct);
        }

        await receiver.CompleteAsync(head, Ct);
        Assert.Equal("a2", (await ReceiveOneAsync(receiver, maxMessages: 2)).Envelope.Id);
    }

    [Fact]
    public async Task A_receive_asking_for_more_than_the_ones_before_gets_as_many_at_once()
    {
        var topic = UniqueName("widening");
        var address = await ProvisionAsync(topic, Subscription(topic, "sub", lockDuration: LongLockDuration));
        await PublishAsync(topic, [.. Enumerable.Range(1, 5).Select(i => NewEnvelope($"m{i}"))]);
        await using var receiver = Transport.Receivers.CreateReceiver(address);

        // A probe-sized receive first, then the full concurrency: all of it must be handed out while the first is still out.
        var first = await ReceiveOneAsync(receiver, maxMessages: 1);
        var more = await ReceiveAtLeastAsync(receiver, 3, maxMessages: 3);

        Assert.Equal(4, Ids([first, .. more]).Distinct().Count());
        foreach (var message in more.Prepend(first))
        {
            await receiver.CompleteAsync(message, Ct);
        }
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
        // Every Bridge process provisions its topology when it starts; provisioning again is harmless.
        await ProvisionAsync(topic, Subscription(topic, "kept", lockDuration: ShortLockDuration));

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

        if (HeldMessagesWaitForLockExpiryAfterRestart)
        {
            Assert.True(redeliveredAt >= locked.LockedUntil - TimingTolerance,
                $"The message locked until {locked.LockedUntil:O} before the restart was redelivered at {redeliveredAt:O}.");
        }
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

}
