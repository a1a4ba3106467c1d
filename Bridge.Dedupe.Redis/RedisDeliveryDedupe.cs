using Bridge.Topology;
using StackExchange.Redis;

namespace Bridge.Dedupe.Redis;

/// <summary>
/// The dedupe store shared by every subscriber process: one Redis string per envelope and subscription,
/// <c>{prefix}:dedupe:{topic}/{subscription}/{messageId}</c>, holding <c>claim:{token}</c> (with the lease as expiry)
/// or <c>delivered</c> (with the dedupe window). Claims are <c>SET NX PX</c>; a release deletes the key and a renewal extends it
/// only while it still holds the caller's claim (Lua compare-and-delete, compare-and-expire). When Redis cannot be reached a claim reports
/// <see cref="DedupeOutcome.Unavailable"/> (delivery goes on, never blocked by the cache); a mark or release throws
/// Redis's exception, which the subscriber logs and counts.
/// </summary>
public sealed class RedisDeliveryDedupe(RedisConnection connection, string prefix) : IDeliveryDedupe
{
    private const string Delivered = "delivered";
    private const string ClaimPrefix = "claim:";
    private const string RenewScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    /// <inheritdoc />
    public async Task<DedupeClaim> ClaimAsync(SubscriptionAddress subscription, string messageId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var key = Key(DedupeClaim.DedupeKey(subscription, messageId));
        try
        {
            var database = await connection.DatabaseAsync();
            for (var round = 0; round < 2; round++)
            {
                if (await database.StringSetAsync(key, ClaimPrefix + token, lease, When.NotExists))
                {
                    return new DedupeClaim(subscription, messageId, DedupeOutcome.Claimed, token);
                }

                var held = await database.StringGetAsync(key);
                if (held.HasValue)
                {
                    var outcome = held == Delivered ? DedupeOutcome.AlreadyDelivered : DedupeOutcome.InProgress;
                    return new DedupeClaim(subscription, messageId, outcome, "");
                }
                // It expired between the two calls: claim again.
            }
            return new DedupeClaim(subscription, messageId, DedupeOutcome.InProgress, "");
        }
        catch (Exception ex) when (RedisConnection.IsUnreachable(ex))
        {
            return new DedupeClaim(subscription, messageId, DedupeOutcome.Unavailable, "");
        }
    }

    /// <inheritdoc />
    public async Task<bool> RenewAsync(DedupeClaim claim, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Outcome != DedupeOutcome.Claimed)
        {
            return false;
        }

        var database = await connection.DatabaseAsync();
        var renewed = await database.ScriptEvaluateAsync(RenewScript, [Key(claim.Key)], [(RedisValue)(ClaimPrefix + claim.Token), (long)lease.TotalMilliseconds]);
        return (long)renewed == 1;
    }

    /// <inheritdoc />
    public async Task MarkDeliveredAsync(DedupeClaim claim, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var database = await connection.DatabaseAsync();
        await database.StringSetAsync(Key(claim.Key), Delivered, window);
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(DedupeClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Outcome != DedupeOutcome.Claimed)
        {
            return;
        }

        var database = await connection.DatabaseAsync();
        await database.ScriptEvaluateAsync(ReleaseScript, [Key(claim.Key)], [(RedisValue)(ClaimPrefix + claim.Token)]);
    }

    private RedisKey Key(string key) => $"{prefix}:dedupe:{key}";
}
