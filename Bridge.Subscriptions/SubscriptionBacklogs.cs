using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Subscriptions;

/// <summary>A subscription's backlog, in the overview (<c>GET /api/subscriptions</c>).</summary>
/// <param name="Pending">Envelopes waiting that can be taken now; absent when the transport could not count them.</param>
/// <param name="Held">Envelopes waiting that cannot be taken yet: scheduled, or waiting out a retry delay (after a failure,
/// a <c>Retry-After</c>, an open circuit or a pause); absent where the transport cannot tell them apart (Azure Service Bus).</param>
/// <param name="InFlight">Calls running now in the process answering; absent from a process that does not deliver.</param>
/// <param name="DeadLettered">Dead letters waiting in its dead-letter queue.</param>
public sealed record SubscriptionBacklogResource(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Pending,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Held,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? InFlight,
    long DeadLettered);

/// <summary>Calls running now, per subscription (provided by the subscriber).</summary>
public interface ISubscriptionCallsInFlight
{
    /// <summary>Calls to the subscription's endpoint running now in this process.</summary>
    int InFlight(SubscriptionAddress address);
}

/// <summary>
/// Counts subscriptions' backlogs for the overview and the <c>bridge.subscription.backlog</c> gauge. A count asks the
/// transport (<see cref="ISubscriptionBacklog"/>) and the dead-letter queue, so it is kept for <see cref="FreshFor"/>:
/// consoles polling every few seconds and the metrics loop share one count per subscription instead of each asking the
/// broker. The transport's count is bounded by <see cref="CountTimeout"/>; one that fails or takes longer gives no
/// pending and held figures rather than a failed or slow answer.
/// </summary>
public sealed partial class SubscriptionBacklogs(IDeadLetterQueue deadLetters, IServiceProvider services, TimeProvider time, ILogger<SubscriptionBacklogs> logger)
{
    /// <summary>How long a count is reused.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);

    /// <summary>How long the transport may take to count one subscription's queue.</summary>
    public static readonly TimeSpan CountTimeout = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<SubscriptionAddress, Counted> _counted = new();
    private readonly ISubscriptionBacklog? _queues = services.GetService<ISubscriptionBacklog>();
    private readonly ISubscriptionCallsInFlight? _calls = services.GetService<ISubscriptionCallsInFlight>();

    /// <summary>The subscription's backlog, counted now unless a count younger than <see cref="FreshFor"/> is kept.</summary>
    public async Task<SubscriptionBacklogResource> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_counted.TryGetValue(address, out var counted) || now - counted.At >= FreshFor)
        {
            var deadLettered = await deadLetters.CountAsync(address, cancellationToken);
            counted = new Counted(now, await CountQueueAsync(address, cancellationToken), deadLettered);
            _counted[address] = counted;
        }

        return new SubscriptionBacklogResource(counted.Queue?.Pending, counted.Queue?.Held, _calls?.InFlight(address), counted.DeadLettered);
    }

    /// <summary>Forgets the counts of subscriptions not in <paramref name="live"/>.</summary>
    public void Keep(IReadOnlySet<SubscriptionAddress> live)
    {
        foreach (var address in _counted.Keys.Where(a => !live.Contains(a)))
        {
            _counted.TryRemove(address, out _);
        }
    }

    private async Task<SubscriptionBacklog?> CountQueueAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        if (_queues is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CountTimeout);
        try
        {
            return await _queues.CountAsync(address, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogCountTimedOut(logger, address.ToString(), CountTimeout.TotalSeconds);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCountFailed(logger, ex, address.ToString());
            return null;
        }
    }

    private sealed record Counted(DateTimeOffset At, SubscriptionBacklog? Queue, long DeadLettered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the queue of {Subscription} took longer than {Seconds} s; its backlog has no pending and held figures")]
    private static partial void LogCountTimedOut(ILogger logger, string subscription, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the queue of {Subscription} failed; its backlog has no pending and held figures")]
    private static partial void LogCountFailed(ILogger logger, Exception exception, string subscription);
}
