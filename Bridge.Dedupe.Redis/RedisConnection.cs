using StackExchange.Redis;

namespace Bridge.Dedupe.Redis;

/// <summary>
/// One multiplexed Redis connection for the process, opened on first use and reconnecting by itself
/// (<c>abortConnect=false</c>): a Redis that is down at start-up or goes away later does not stop the bridge.
/// </summary>
public sealed class RedisConnection(string configuration) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer = new(() => ConnectAsync(configuration));

    /// <summary>The database to use.</summary>
    public async Task<IDatabase> DatabaseAsync() => (await _multiplexer.Value).GetDatabase();

    /// <summary>True for the failures that mean "Redis cannot be reached now" rather than a bug.</summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException;

    private static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 2000);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            (await _multiplexer.Value).Dispose();
        }
    }
}
