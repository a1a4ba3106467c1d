using System.Diagnostics;
using Bridge.Tests.Support;

namespace Bridge.Tests.Transport;


/// <summary>
/// What every transport behind the broker port must do, written only against the port interfaces.
/// A subclass supplies the transport: fresh, empty broker storage per test and a way to start (and restart) an instance on it.
/// </summary>
public abstract partial class TransportBehaviour : IAsyncLifetime
{
    private const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";

    private readonly List<TransportUnderTest> _started = [];

    /// <summary>The running transport instance.</summary>
    protected TransportUnderTest Transport { get; private set; } = null!;

    /// <summary>The transport's largest accepted serialised envelope, in bytes.</summary>
    protected abstract int MaxMessageBytes { get; }

    /// <summary>How long to wait before concluding that nothing more will arrive.</summary>
    protected virtual TimeSpan QuietPeriod => TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound for a message that should arrive to arrive.</summary>
    protected virtual TimeSpan ArrivalTimeout => TimeSpan.FromSeconds(10);

    /// <summary>Lock duration of subscriptions whose lock expiry is tested.</summary>
    protected virtual TimeSpan ShortLockDuration => TimeSpan.FromSeconds(1);

    /// <summary>Slack allowed when comparing the broker's clock decisions with the test's clock.</summary>
    protected virtual TimeSpan TimingTolerance => TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// True when a message held by a receiver that went away stays locked until its lock expires (a file-based broker
    /// cannot tell a dead receiver from a slow one); false when the broker returns it as soon as the receiver's
    /// connection closes (RabbitMQ). Either way it is delivered again with its delivery count + 1.
    /// </summary>
    protected virtual bool HeldMessagesWaitForLockExpiryAfterRestart => true;

    /// <summary>Lock duration long enough never to expire during a test.</summary>
    protected static TimeSpan LongLockDuration => TimeSpan.FromSeconds(60);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts a transport instance on this test's broker storage. Called again after a shutdown, it is a restart.</summary>
    protected abstract Task<TransportUnderTest> StartTransportAsync();

    /// <summary>Creates fresh, empty broker storage for one test.</summary>
    protected virtual ValueTask CreateStorageAsync() => ValueTask.CompletedTask;

    /// <summary>Removes the test's broker storage; every instance is shut down by then.</summary>
    protected virtual ValueTask DeleteStorageAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        await CreateStorageAsync();
        Transport = await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            for (var i = _started.Count - 1; i >= 0; i--)
            {
                await _started[i].DisposeAsync();
            }
        }
        finally
        {
            await DeleteStorageAsync();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Shuts the running instance down and starts a new one on the same storage.</summary>
    protected async Task RestartAsync()
    {
        await Transport.DisposeAsync();
        Transport = await StartAsync();
    }

    private async Task<TransportUnderTest> StartAsync()
    {
        var transport = await StartTransportAsync();
        _started.Add(transport);
        return transport;
    }

    protected static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    protected static SubscriptionSpec Subscription(
        string topic, string name, EnvelopeFilter? filter = null, int maxDeliveryCount = 10, TimeSpan? lockDuration = null) =>
        new(new SubscriptionAddress(topic, name), filter ?? EnvelopeFilter.All, maxDeliveryCount, lockDuration ?? LongLockDuration);

    protected async Task<SubscriptionAddress> ProvisionAsync(string topic, SubscriptionSpec subscription)
    {
        await Transport.Provisioner.ProvisionAsync([new TopicSpec(topic, [subscription])], Ct);
        return subscription.Address;
    }

    protected static Envelope NewEnvelope(
        string id,
        string type = "order.created",
        string? subject = "orders/1",
        string? orderingKey = null,
        IReadOnlyDictionary<string, string>? properties = null,
        string? data = null) => new()
        {
            Id = id,
            Source = "/tests/transport",
            Type = type,
            Subject = subject,
            Time = DateTimeOffset.UtcNow,
            Data = Encoding.UTF8.GetBytes(data ?? $$"""{"id":"{{id}}"}"""),
            CorrelationId = "corr-" + id,
            OrderingKey = orderingKey,
            Properties = properties ?? Envelope.EmptyProperties,
        };

    protected static Dictionary<string, string> Props(params (string Name, string Value)[] properties) =>
        properties.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    /// <summary>A JSON document whose UTF-8 form is exactly <paramref name="bytes"/> long.</summary>
    protected static string JsonOfSize(int bytes) => $$"""{"pad":"{{new string('x', bytes - 10)}}"}""";

    protected Task PublishAsync(string topic, params Envelope[] envelopes) =>
        Transport.Publisher.PublishAsync(topic, [.. envelopes.Select(e => new OutgoingMessage(e))], Ct);

    /// <summary>Receives until at least <paramref name="count"/> messages arrived, failing after <see cref="ArrivalTimeout"/>.</summary>
    protected async Task<List<ReceivedMessage>> ReceiveAtLeastAsync(ISubscriptionReceiver receiver, int count, int maxMessages = 32)
    {
        var received = new List<ReceivedMessage>();
        var clock = Stopwatch.StartNew();
        while (received.Count < count)
        {
            var remaining = ArrivalTimeout - clock.Elapsed;
            Assert.True(remaining > TimeSpan.Zero,
                $"Received {received.Count} of {count} expected messages within {ArrivalTimeout}: [{string.Join(", ", Ids(received))}].");
            received.AddRange(await receiver.ReceiveAsync(maxMessages, remaining, Ct));
        }
        return received;
    }

    /// <summary>Receives exactly one message, failing when none arrives within <see cref="ArrivalTimeout"/> or more come at once.</summary>
    protected async Task<ReceivedMessage> ReceiveOneAsync(ISubscriptionReceiver receiver, int maxMessages = 1) =>
        Assert.Single(await ReceiveAtLeastAsync(receiver, 1, maxMessages));

    protected async Task AssertNothingReceivedAsync(ISubscriptionReceiver receiver)
    {
        var unexpected = await receiver.ReceiveAsync(32, QuietPeriod, Ct);
        Assert.True(unexpected.Count == 0, $"Unexpectedly received [{string.Join(", ", Ids(unexpected))}] from {receiver.Address}.");
    }

    protected static IEnumerable<string> Ids(IEnumerable<ReceivedMessage> messages) => messages.Select(m => m.Envelope.Id);

    protected static void AssertSameEnvelope(Envelope expected, Envelope actual) => EnvelopeAssert.Same(expected, actual);
}

