namespace Bridge.Tests.Transport;

public abstract partial class TransportBehaviour
{
    [Fact]
    public async Task Purge_removes_only_the_named_dead_letters_and_returns_the_ids_it_removed()
    {
        var topic = UniqueName("purge");
        var address = await ProvisionAsync(topic, Subscription(topic, "audited"));
        await DeadLetterAllAsync(address, topic, NewEnvelope("purge-a"), NewEnvelope("purge-b"), NewEnvelope("purge-c"));

        var purged = await Transport.DeadLetters.PurgeAsync(address, ["purge-c", "no-such-message", "purge-a"], Ct);

        Assert.Equal(["purge-c", "purge-a"], purged);
        Assert.Equal(1, await Transport.DeadLetters.CountAsync(address, Ct));
        Assert.Equal(["purge-b"], (await Transport.DeadLetters.ListAsync(address, 0, 10, Ct)).Select(d => d.Envelope.Id));
        Assert.Null(await Transport.DeadLetters.GetAsync(address, "purge-a", Ct));
        Assert.Empty(await Transport.DeadLetters.PurgeAsync(address, ["purge-a"], Ct));
        await using var receiver = Transport.Receivers.CreateReceiver(address);
        await AssertNothingReceivedAsync(receiver); // purged, not replayed
    }

    [Fact]
    public async Task Resubmitted_dead_letters_of_one_key_are_delivered_in_the_order_given_with_their_ids()
    {
        var topic = UniqueName("resubmit-order");
        var address = await ProvisionAsync(topic, Subscription(topic, "keyed"));
        var sent = Enumerable.Range(1, 4).Select(i => NewEnvelope($"keyed-{i}", orderingKey: "customer-7")).ToArray();
        await DeadLetterAllAsync(address, topic, sent);
        var listed = (await Transport.DeadLetters.ListAsync(address, 0, 10, Ct)).Select(d => d.Envelope.Id).ToList();
        Assert.Equal(sent.Select(e => e.Id), listed);

        Assert.Equal(listed, await Transport.DeadLetters.ResubmitAsync(address, listed, Ct));

        await using var receiver = Transport.Receivers.CreateReceiver(address);
        var delivered = new List<string>();
        for (var i = 0; i < sent.Length; i++)
        {
            var message = await ReceiveOneAsync(receiver, maxMessages: 4); // one per key at a time
            delivered.Add(message.Envelope.Id);
            await receiver.CompleteAsync(message, Ct);
        }
        Assert.Equal(listed, delivered);
        Assert.Equal(0, await Transport.DeadLetters.CountAsync(address, Ct));
    }

    /// <summary>Publishes the envelopes and dead-letters each as it arrives (one per key at a time, so in publish order per key).</summary>
    private async Task DeadLetterAllAsync(SubscriptionAddress address, string topic, params Envelope[] envelopes)
    {
        await PublishAsync(topic, envelopes);
        await using var receiver = Transport.Receivers.CreateReceiver(address);
        for (var done = 0; done < envelopes.Length;)
        {
            foreach (var message in await ReceiveAtLeastAsync(receiver, 1, maxMessages: envelopes.Length))
            {
                await receiver.DeadLetterAsync(message, "Rejected", null, Ct);
                done++;
            }
        }
        Assert.Equal(envelopes.Length, await Transport.DeadLetters.CountAsync(address, Ct));
    }
}
