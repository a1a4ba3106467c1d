namespace Bridge.Tests.Transport;

public abstract partial class TransportBehaviour
{
    [Fact]
    public async Task A_removed_subscription_takes_its_envelopes_and_dead_letters_with_it_and_the_others_are_untouched()
    {
        var topic = UniqueName("remove");
        var kept = Subscription(topic, "kept");
        var removed = Subscription(topic, "removed");
        await Transport.Provisioner.ProvisionAsync([new TopicSpec(topic, [kept, removed])], Ct);
        await PublishAsync(topic, NewEnvelope("remove-1"), NewEnvelope("remove-2"));
        await using (var receiver = Transport.Receivers.CreateReceiver(removed.Address))
        {
            await receiver.DeadLetterAsync(await ReceiveOneAsync(receiver), "Rejected", null, Ct);
        }

        await Transport.Provisioner.RemoveSubscriptionAsync(removed.Address, Ct);
        await Transport.Provisioner.ProvisionAsync([new TopicSpec(topic, [kept])], Ct);
        await PublishAsync(topic, NewEnvelope("remove-3")); // routed to what is left

        // Made again under the same name, it starts empty: nothing of before comes back.
        await Transport.Provisioner.ProvisionAsync([new TopicSpec(topic, [kept, removed])], Ct);
        Assert.Equal(0, await Transport.DeadLetters.CountAsync(removed.Address, Ct));
        await using (var again = Transport.Receivers.CreateReceiver(removed.Address))
        {
            await AssertNothingReceivedAsync(again);
        }

        await using var keptReceiver = Transport.Receivers.CreateReceiver(kept.Address);
        var received = await ReceiveAtLeastAsync(keptReceiver, 3);
        Assert.Equal(["remove-1", "remove-2", "remove-3"], Ids(received).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Removing_a_subscription_that_is_not_there_is_harmless()
    {
        var topic = UniqueName("remove-missing");
        await ProvisionAsync(topic, Subscription(topic, "present"));

        await Transport.Provisioner.RemoveSubscriptionAsync(new SubscriptionAddress(topic, "absent"), Ct);
        await Transport.Provisioner.RemoveSubscriptionAsync(new SubscriptionAddress(UniqueName("no-topic"), "absent"), Ct);
    }

    [Fact]
    public async Task Provisioning_again_with_another_maximum_keeps_the_subscription_and_its_envelopes()
    {
        var topic = UniqueName("reprovision");
        var address = await ProvisionAsync(topic, Subscription(topic, "changing", maxDeliveryCount: 10));
        await PublishAsync(topic, NewEnvelope("before-change"));

        await ProvisionAsync(topic, Subscription(topic, "changing", maxDeliveryCount: 3));
        await PublishAsync(topic, NewEnvelope("after-change"));

        await using var receiver = Transport.Receivers.CreateReceiver(address);
        Assert.Equal(["after-change", "before-change"], Ids(await ReceiveAtLeastAsync(receiver, 2)).Order(StringComparer.Ordinal));
    }
}
