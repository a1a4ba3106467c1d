using StackExchange.Redis;

namespace Bridge.Dedupe.Redis;

/// <summary>
/// The process's Redis connection as the dedupe store uses it: resolved on first use, never at start-up, and
/// reconnecting by itself (<c>abortConnect=false</c>), so a Redis that is down at start-up or goes away later does not
/// stop the bridge. In a service host the multiplexer comes from the Aspire client integration (which owns it);
/// <see cref="Open(string)"/> opens one of its own from a configuration string.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private const int MaxTimeoutMilliseconds = 2000;
    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;
    private readonly bool _owned;

    /// <summary>A multiplexer someone else owns (the service container): resolved on first use, off the caller's thread.</summary>
    public RedisConnection(Func<IConnectionMultiplexer> resolve)
        : this(new Lazy<Task<IConnectionMultiplexer>>(() => Task.Run(resolve)), owned: false)
    {
    }

    private RedisConnection(Lazy<Task<IConnectionMultiplexer>> multiplexer, bool owned)
    {
        _multiplexer = multiplexer;
        _owned = owned;
    }

    /// <summary>A connection of its own to <paramref name="configuration"/> (<c>host:port,password=…</c>), closed when disposed.</summary>
    public static RedisConnection Open(string configuration) =>
        new(new Lazy<Task<IConnectionMultiplexer>>(async () =>
            await ConnectionMultiplexer.ConnectAsync(Configure(ConfigurationOptions.Parse(configuration)))), owned: true);

    /// <summary>
    /// The settings dedupe needs whoever connects: keep retrying instead of failing the first connect, and answer
    /// within two seconds when Redis cannot be reached (a claim then reports it and the delivery goes on).
    /// </summary>
    public static ConfigurationOptions Configure(ConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, MaxTimeoutMilliseconds);
        options.SyncTimeout = Math.Min(options.SyncTimeout, MaxTimeoutMilliseconds);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, MaxTimeoutMilliseconds);
        return options;
    }

    /// <summary>The database to use.</summary>
    public async Task<IDatabase> DatabaseAsync() => (await _multiplexer.Value).GetDatabase();

    /// <summary>True for the failures that mean "Redis cannot be reached now" rather than a bug.</summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException;

    public async ValueTask DisposeAsync()
    {
        if (_owned && _multiplexer.IsValueCreated)
        {
            await (await _multiplexer.Value).DisposeAsync();
        }
    }
}
