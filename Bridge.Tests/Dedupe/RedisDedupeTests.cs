using Bridge.Dedupe;
using Bridge.Dedupe.Redis;

namespace Bridge.Tests.Dedupe;

/// <summary>A redis-server of its own for the Redis dedupe tests, stopped by PID at the end.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await RedisServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public sealed class RedisDedupeTests(RedisFixture redis) : DedupeBehaviour, IClassFixture<RedisFixture>, IAsyncDisposable
{
    private static readonly string Prefix = "test" + Guid.NewGuid().ToString("N")[..6];
    private readonly RedisConnection _connection = RedisConnection.Open(redis.Server.ConnectionString);

    protected override IDeliveryDedupe Store => new RedisDeliveryDedupe(_connection, Prefix);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>Redis going away and coming back, on a server of its own (the outage must not disturb other tests).</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task While_redis_is_down_claims_report_unavailable_quickly_and_after_it_is_back_dedupe_works_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await RedisServer.StartAsync();
        await using var connection = RedisConnection.Open(server.ConnectionString);
        var store = new RedisDeliveryDedupe(connection, "outage");
        var subscription = new SubscriptionAddress("orders", "erp");
        var lease = TimeSpan.FromSeconds(30);
        Assert.Equal(DedupeOutcome.Claimed, (await store.ClaimAsync(subscription, "before", lease, ct)).Outcome);

        await server.StopAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(DedupeOutcome.Unavailable, (await store.ClaimAsync(subscription, "during", lease, ct)).Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"A claim against a stopped Redis took {clock.Elapsed}.");

        await server.StartAgainAsync();
        await EventuallyClaimedAsync(store, subscription, "after", lease, ct);
        Assert.Equal(DedupeOutcome.InProgress, (await store.ClaimAsync(subscription, "after", lease, ct)).Outcome);
    }

    private static async Task EventuallyClaimedAsync(RedisDeliveryDedupe store, SubscriptionAddress subscription, string id, TimeSpan lease, CancellationToken ct)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var outcome = (await store.ClaimAsync(subscription, id, lease, ct)).Outcome;
            if (outcome == DedupeOutcome.Claimed)
            {
                return;
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"Still {outcome} 30 s after Redis came back.");
            await Task.Delay(200, ct);
        }
    }
}
