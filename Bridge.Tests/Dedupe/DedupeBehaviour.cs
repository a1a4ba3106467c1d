using Bridge.Dedupe;

namespace Bridge.Tests.Dedupe;

/// <summary>The contract every dedupe store keeps; each store adds a subclass that says how to create it.</summary>
public abstract class DedupeBehaviour
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly SubscriptionAddress _subscription = new("orders", "erp-" + Guid.NewGuid().ToString("N")[..8]);

    protected abstract IDeliveryDedupe Store { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_first_claim_is_granted_and_a_second_sees_it_in_progress()
    {
        var first = await Store.ClaimAsync(_subscription, "m-1", Lease, Ct);
        var second = await Store.ClaimAsync(_subscription, "m-1", Lease, Ct);

        Assert.Equal(DedupeOutcome.Claimed, first.Outcome);
        Assert.Equal(DedupeOutcome.InProgress, second.Outcome);
    }

    [Fact]
    public async Task A_delivered_envelope_is_reported_as_delivered_to_every_later_claim()
    {
        var claim = await Store.ClaimAsync(_subscription, "m-2", Lease, Ct);
        await Store.MarkDeliveredAsync(claim, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(DedupeOutcome.AlreadyDelivered, (await Store.ClaimAsync(_subscription, "m-2", Lease, Ct)).Outcome);
        Assert.Equal(DedupeOutcome.AlreadyDelivered, (await Store.ClaimAsync(_subscription, "m-2", Lease, Ct)).Outcome);
    }

    [Fact]
    public async Task A_released_claim_can_be_claimed_again_but_only_its_holder_releases_it()
    {
        var claim = await Store.ClaimAsync(_subscription, "m-3", Lease, Ct);
        var stranger = claim with { Token = Guid.NewGuid().ToString("N") };
        await Store.ReleaseAsync(stranger, Ct);
        Assert.Equal(DedupeOutcome.InProgress, (await Store.ClaimAsync(_subscription, "m-3", Lease, Ct)).Outcome);

        await Store.ReleaseAsync(claim, Ct);
        Assert.Equal(DedupeOutcome.Claimed, (await Store.ClaimAsync(_subscription, "m-3", Lease, Ct)).Outcome);
    }

    [Fact]
    public async Task A_claim_whose_lease_ran_out_can_be_claimed_again()
    {
        await Store.ClaimAsync(_subscription, "m-4", TimeSpan.FromMilliseconds(200), Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(400), Ct);

        Assert.Equal(DedupeOutcome.Claimed, (await Store.ClaimAsync(_subscription, "m-4", Lease, Ct)).Outcome);
    }

    [Fact]
    public async Task A_renewed_claim_outlives_its_first_lease_and_only_its_holder_renews_it()
    {
        var shortLease = TimeSpan.FromMilliseconds(600);
        var claim = await Store.ClaimAsync(_subscription, "m-6", shortLease, Ct);
        var stranger = claim with { Token = Guid.NewGuid().ToString("N") };

        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
            Assert.True(await Store.RenewAsync(claim, shortLease, Ct));
            Assert.False(await Store.RenewAsync(stranger, shortLease, Ct));
        }
        Assert.Equal(DedupeOutcome.InProgress, (await Store.ClaimAsync(_subscription, "m-6", Lease, Ct)).Outcome);

        // Left alone, the claim frees within its lease; its old holder can no longer renew it once another took it.
        await Task.Delay(shortLease + TimeSpan.FromMilliseconds(300), Ct);
        Assert.Equal(DedupeOutcome.Claimed, (await Store.ClaimAsync(_subscription, "m-6", Lease, Ct)).Outcome);
        Assert.False(await Store.RenewAsync(claim, shortLease, Ct));
    }

    [Fact]
    public async Task The_same_envelope_id_in_another_subscription_is_independent()
    {
        var claim = await Store.ClaimAsync(_subscription, "m-5", Lease, Ct);
        await Store.MarkDeliveredAsync(claim, TimeSpan.FromMinutes(1), Ct);

        var other = new SubscriptionAddress(_subscription.Topic, _subscription.Subscription + "-other");
        Assert.Equal(DedupeOutcome.Claimed, (await Store.ClaimAsync(other, "m-5", Lease, Ct)).Outcome);
    }
}

public sealed class InProcessDedupeTests : DedupeBehaviour
{
    protected override IDeliveryDedupe Store { get; } = new InProcessDeliveryDedupe(TimeProvider.System);

    [Fact]
    public async Task Memory_stays_bounded_the_oldest_envelopes_are_forgotten_first()
    {
        var store = new InProcessDeliveryDedupe(TimeProvider.System, maxEntries: 3);
        var subscription = new SubscriptionAddress("orders", "bounded");
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            await store.MarkDeliveredAsync(await store.ClaimAsync(subscription, id, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        }

        Assert.Equal(DedupeOutcome.Claimed, (await store.ClaimAsync(subscription, "a", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)).Outcome);
        Assert.Equal(DedupeOutcome.AlreadyDelivered, (await store.ClaimAsync(subscription, "d", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)).Outcome);
    }
}
